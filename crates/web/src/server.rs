//! Serving the router on a socket: the peer address goes to the rate limiter (`ConnectInfo<SocketAddr>`), slow
//! clients are cut off after `header_read_timeout`, and shutdown lets requests in flight finish.
//!
//! The accept loop is hyper-util's rather than `axum::serve`, because `axum::serve` sets no timer, and without a
//! timer hyper ignores its header read timeout: a client could hold a connection open forever by sending a header
//! byte at a time.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::{Service, ServiceExt};

use crate::config::ServeConfig;
use crate::routes::{app, metrics_app};
use crate::state::AppState;

/// How long shutdown waits for requests in flight before closing their connections.
const DRAIN_TIME: Duration = Duration::from_secs(10);

/// Serves `state`'s application on `listener` until the process ends.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    serve_with_shutdown(listener, state, std::future::pending()).await
}

/// Serves until `shutdown` completes, then lets requests in flight finish (for at most ten seconds).
pub async fn serve_with_shutdown<F>(listener: TcpListener, state: AppState, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let header_read_timeout = state.config.header_read_timeout;
    serve_router(listener, app(state), header_read_timeout, shutdown).await
}

/// Serves the metrics listener's application (`/metrics` only, see [`metrics_app`]) until `shutdown` completes.
pub async fn serve_metrics_with_shutdown<F>(listener: TcpListener, state: AppState, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let header_read_timeout = state.config.header_read_timeout;
    serve_router(listener, metrics_app(state), header_read_timeout, shutdown).await
}

/// The accept loop shared by the public application and the metrics listener.
async fn serve_router<F>(
    listener: TcpListener,
    router: axum::Router,
    header_read_timeout: Duration,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let mut make_service = router.into_make_service_with_connect_info::<SocketAddr>();
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Accept fails for reasons that pass (a reset before accept, too many open files); back off
                    // briefly instead of spinning, and keep serving.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // The make-service is always ready and cannot fail (its error type is `Infallible`).
        let Ok(ready) = ServiceExt::<SocketAddr>::ready(&mut make_service).await;
        let Ok(service) = ready.call(peer).await;
        let connection =
            builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            // A client that disconnects or times out ends its connection with an error; that is not ours to report.
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIME, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still in flight at shutdown were cut off");
    }
    Ok(())
}

/// Binds `config.listen` (and `config.metrics_listen`, serving `/metrics` only) and serves until Ctrl-C or
/// SIGTERM. The addresses actually bound are logged.
pub async fn run(config: ServeConfig, state: AppState) -> std::io::Result<()> {
    let listener = TcpListener::bind(config.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "KetaPath is listening");
    // The metrics listener is bound before serving starts, so that a wrong address stops the server at start; it
    // ends with the public server.
    let metrics = match config.metrics_listen {
        Some(address) => {
            let metrics_listener = TcpListener::bind(address).await?;
            tracing::info!(address = %metrics_listener.local_addr()?, "KetaPath serves /metrics here");
            let metrics_state = state.clone();
            Some(tokio::spawn(serve_metrics_with_shutdown(metrics_listener, metrics_state, std::future::pending())))
        }
        None => None,
    };
    let served = serve_until_signal(listener, state).await;
    if let Some(task) = metrics {
        task.abort();
    }
    served
}

/// Serves on a listener the caller has already bound until Ctrl-C or SIGTERM: `ketapath serve` binds first, so
/// that a port in use is reported before anything is seeded or announced.
pub async fn serve_until_signal(listener: TcpListener, state: AppState) -> std::io::Result<()> {
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
