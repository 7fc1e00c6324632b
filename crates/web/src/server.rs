//! Serving the router on a socket: with the peer address available to the rate limiter, and with graceful
//! shutdown on Ctrl-C or SIGTERM for `run`.

use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;

use crate::config::ServeConfig;
use crate::routes::app;
use crate::state::AppState;

/// Serves `state`'s application on `listener` until the process ends or the listener fails.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>()).await
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve_with_shutdown<F>(listener: TcpListener, state: AppState, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Binds `config.listen` and serves until Ctrl-C or SIGTERM. The address actually bound is logged.
pub async fn run(config: ServeConfig, state: AppState) -> std::io::Result<()> {
    let listener = TcpListener::bind(config.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "KetaPath is listening");
    serve_with_shutdown(listener, state, shutdown_signal()).await
}

/// Completes on Ctrl-C, or on SIGTERM where there are Unix signals. If a handler cannot be installed, that
/// signal is simply not awaited: the process can still be stopped by the other or killed.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
