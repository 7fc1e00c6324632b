//! Load campaign client (scripts/campaign/load.sh): N keep-alive connections against a running `ketapath serve`
//! for a bounded time on one flow (search, self-check, FHIR `Location?near=`, portal writes), reporting requests/s,
//! p50/p99/max latency and every non-2xx answer; the write flow records each acknowledged id so that `readback`
//! can prove afterwards that nothing acknowledged was lost.
//!
//! With `--outage` (scripts/campaign/pg_restart.sh) the database is restarted during the run: a 503 carrying
//! `Retry-After` and a refused or dropped connection are expected answers then, not failures, and the summary says
//! when they began and ended; any other non-2xx answer (a 500 above all) still fails the run.
//!
//! ```text
//! campaign_load run --addr 127.0.0.1:8080 --flow search --connections 64 --seconds 10 [--token T] [--ids FILE] [--outage true]
//! campaign_load readback --addr 127.0.0.1:8080 --token T --ids FILE
//! ```
//!
//! `--tokens FILE` (one token a line) instead of `--token` spreads the connections over several accounts, such as
//! one per clinic (scripts/bench/write_path.sh): connection `i` signs with token `i mod n`, and `readback` reads
//! each record with whichever token's clinic holds it.
//!
//! Flows are one table ([`FLOWS`]); a new portal write is a new entry there.
#![allow(clippy::print_stdout, clippy::print_stderr)] // A command-line tool reports on stdout and stderr.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use http::{Method, Request, StatusCode, header};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

type HttpClient = Client<HttpConnector, Body>;

/// One flow: what each request of a connection sends. `step` gets the connection's state (its patient, its
/// request count) and returns method, path and body.
struct Flow {
    name: &'static str,
    needs_token: bool,
    step: fn(&mut Conn) -> (Method, String, Option<String>),
}

/// Per-connection state of a flow.
#[derive(Default)]
struct Conn {
    n: u64,
    patient: Option<String>,
    session: Option<String>,
}

const PATIENT: &str = r#"{"given_name": "Load", "family_name": "Campaign", "birth_date": "1980-04-01"}"#;

/// ZIPs of the demo directory's region spread, so searches do not all hit one cached answer.
const ZIPS: [&str; 8] = ["10001", "60601", "94103", "33101", "98101", "30301", "80202", "02108"];
// `|` percent-encoded, as a client library would send it.
const POINTS: [&str; 4] = [
    "40.75%7C-73.99%7C100%7Ckm",
    "41.88%7C-87.63%7C100%7Ckm",
    "37.77%7C-122.42%7C100%7Ckm",
    "25.77%7C-80.19%7C100%7Ckm",
];

const FLOWS: &[Flow] = &[
    Flow {
        name: "search",
        needs_token: false,
        step: |c| (Method::GET, format!("/api/v1/clinics?zip={}&limit=10", ZIPS[(c.n % 8) as usize]), None),
    },
    Flow {
        name: "screening",
        needs_token: false,
        step: |c| {
            let item = c.n % 4;
            let body = format!(r#"{{"phq9": [{item},1,2,3,0,1,2,1,0], "age": 40, "episode_months": 12}}"#);
            (Method::POST, "/api/v1/screenings".to_owned(), Some(body))
        },
    },
    Flow {
        name: "fhir_near",
        needs_token: false,
        step: |c| (Method::GET, format!("/fhir/r4/Location?near={}&_count=10", POINTS[(c.n % 4) as usize]), None),
    },
    Flow {
        // A portal write outside sessions: an assessment on the connection's own patient (created first).
        name: "assessment",
        needs_token: true,
        step: |c| match &c.patient {
            None => (Method::POST, "/api/v1/patients".to_owned(), Some(PATIENT.to_owned())),
            Some(p) => {
                let items = format!("[{},1,2,1,2,0,1,2,1]", c.n % 4);
                let body = format!(r#"{{"instrument": "phq9", "items": {items}, "context": "pre_session"}}"#);
                (Method::POST, format!("/api/v1/patients/{p}/assessments"), Some(body))
            }
        },
    },
    Flow {
        // The portal write of a treatment day: observations during a session (blood pressure, heart rate, SpO2),
        // each connection on its own patient and session, created by its first two requests.
        name: "observation",
        needs_token: true,
        step: |c| match (&c.patient, &c.session) {
            (None, _) => (Method::POST, "/api/v1/patients".to_owned(), Some(PATIENT.to_owned())),
            (Some(p), None) => (
                Method::POST,
                format!("/api/v1/patients/{p}/sessions"),
                Some(r#"{"modality": "esketamine_nasal"}"#.to_owned()),
            ),
            (Some(_), Some(s)) => {
                let body =
                    format!(r#"{{"systolic": {}, "diastolic": 80, "heart_rate": 72, "spo2": 98}}"#, 118 + c.n % 20);
                (Method::POST, format!("/api/v1/sessions/{s}/observations"), Some(body))
            }
        },
    },
];

struct Args {
    command: String,
    addr: String,
    flow: String,
    connections: usize,
    seconds: f64,
    /// The bearer tokens: one (`--token`, `KETAPATH_TOKEN`) or one per line of `--tokens FILE`.
    tokens: Vec<String>,
    ids: Option<String>,
    outage: bool,
}

fn args() -> Result<Args, String> {
    let mut raw = std::env::args().skip(1);
    let command = raw.next().ok_or("usage: campaign_load run|readback --addr A [--flow F] …")?;
    let mut args = Args {
        command,
        addr: "127.0.0.1:8080".to_owned(),
        flow: "search".to_owned(),
        connections: 64,
        seconds: 10.0,
        tokens: std::env::var("KETAPATH_TOKEN").ok().into_iter().collect(),
        ids: None,
        outage: false,
    };
    while let Some(flag) = raw.next() {
        let value = raw.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--addr" => args.addr = value,
            "--flow" => args.flow = value,
            "--connections" => args.connections = value.parse().map_err(|_| "--connections: a number")?,
            "--seconds" => args.seconds = value.parse().map_err(|_| "--seconds: a number")?,
            "--token" => args.tokens = vec![value],
            "--tokens" => {
                let text = std::fs::read_to_string(&value).map_err(|e| format!("--tokens {value}: {e}"))?;
                args.tokens = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
            }
            "--ids" => args.ids = Some(value),
            "--outage" => args.outage = value.parse().map_err(|_| "--outage: true or false")?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(args)
}

fn request(addr: &str, token: Option<&str>, method: Method, path: &str, body: Option<String>) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(format!("http://{addr}{path}"));
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if body.is_some() {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
    }
    builder.body(body.map_or_else(Body::empty, Body::from)).expect("a valid request")
}

/// One answer: its status, whether it carried `Retry-After`, and its body.
struct Answer {
    status: StatusCode,
    retry_after: bool,
    body: Vec<u8>,
}

/// Sends one request; the answer, or the transport error as text.
async fn exchange(client: &HttpClient, request: Request<Body>) -> Result<Answer, String> {
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let retry_after = response.headers().contains_key(header::RETRY_AFTER);
    let body = axum::body::to_bytes(Body::new(response.into_body()), usize::MAX).await.map_err(|e| e.to_string())?;
    Ok(Answer { status, retry_after, body: body.to_vec() })
}

/// Sends one request; the status and body, or the transport error as text.
async fn send(client: &HttpClient, request: Request<Body>) -> Result<(StatusCode, Vec<u8>), String> {
    exchange(client, request).await.map(|a| (a.status, a.body))
}

/// Milliseconds since the Unix epoch, so that the campaign script can set the answers beside its own clock.
fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// What an `--outage` run saw of the outage: the expected failures (503 with `Retry-After`, transport errors),
/// when the first and last of them came, and the last success.
#[derive(Default)]
struct Outage {
    unavailable: u64,
    first_failure_ms: Option<u64>,
    last_failure_ms: Option<u64>,
    last_success_ms: Option<u64>,
}

impl Outage {
    fn failed(&mut self, at: u64) {
        self.first_failure_ms = Some(self.first_failure_ms.map_or(at, |t| t.min(at)));
        self.last_failure_ms = Some(self.last_failure_ms.map_or(at, |t| t.max(at)));
    }

    fn merge(&mut self, other: Outage) {
        self.unavailable += other.unavailable;
        for at in [other.first_failure_ms, other.last_failure_ms].into_iter().flatten() {
            self.failed(at);
        }
        self.last_success_ms = self.last_success_ms.max(other.last_success_ms);
    }
}

/// What one connection saw.
#[derive(Default)]
struct Outcome {
    latencies_us: Vec<u32>,
    statuses: BTreeMap<u16, u64>,
    errors: u64,
    /// Acknowledged writes: `patient <id>`, `assessment <patient> <id>`, `session <patient> <id>` and
    /// `observation <session> <id>` lines.
    acknowledged: Vec<String>,
    sample_failure: Option<String>,
    outage: Outage,
    /// Answers that fail the run: non-2xx ones, except the 503s with `Retry-After` of an `--outage` run.
    failures: u64,
}

async fn connection(
    client: HttpClient,
    args: Arc<Args>,
    index: usize,
    flow: &'static Flow,
    deadline: Instant,
) -> Outcome {
    let token = (!args.tokens.is_empty()).then(|| args.tokens[index % args.tokens.len()].as_str());
    let mut conn = Conn::default();
    let mut out = Outcome::default();
    while Instant::now() < deadline {
        conn.n += 1;
        let (method, path, body) = (flow.step)(&mut conn);
        let started = Instant::now();
        let result = exchange(&client, request(&args.addr, token, method, &path, body)).await;
        out.latencies_us.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
        match result {
            Ok(Answer { status, retry_after, body }) => {
                *out.statuses.entry(status.as_u16()).or_default() += 1;
                if status.is_success() {
                    out.outage.last_success_ms = Some(unix_ms());
                } else if args.outage && status == StatusCode::SERVICE_UNAVAILABLE && retry_after {
                    out.outage.unavailable += 1;
                    out.outage.failed(unix_ms());
                    continue;
                } else {
                    out.failures += 1;
                }
                if status == StatusCode::CREATED {
                    let doc = serde_json::from_slice::<Value>(&body).unwrap_or_default();
                    let id = doc["id"].as_str().unwrap_or_default().to_owned();
                    match (&conn.patient, &conn.session) {
                        (Some(p), _) if path.ends_with("/assessments") => {
                            out.acknowledged.push(format!("assessment {p} {id}"))
                        }
                        (Some(p), None) if path.ends_with("/sessions") => {
                            out.acknowledged.push(format!("session {p} {id}"));
                            conn.session = Some(id);
                        }
                        (_, Some(s)) if path.ends_with("/observations") => {
                            for id in doc["ids"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                                out.acknowledged.push(format!("observation {s} {id}"));
                            }
                        }
                        _ if path == "/api/v1/patients" => {
                            out.acknowledged.push(format!("patient {id}"));
                            conn.patient = Some(id);
                        }
                        _ => {}
                    }
                } else if !status.is_success() && out.sample_failure.is_none() {
                    out.sample_failure = Some(format!("{status} {path}: {}", String::from_utf8_lossy(&body)));
                }
            }
            Err(error) => {
                out.errors += 1;
                if args.outage {
                    out.outage.failed(unix_ms());
                } else {
                    out.failures += 1;
                    out.sample_failure.get_or_insert(format!("{path}: {error}"));
                }
            }
        }
    }
    out
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
}

fn client(connections: usize) -> HttpClient {
    Client::builder(TokioExecutor::new()).pool_max_idle_per_host(connections).build_http()
}

async fn run(args: Args) -> Result<bool, String> {
    let flow = FLOWS.iter().find(|f| f.name == args.flow).ok_or_else(|| {
        let names: Vec<&str> = FLOWS.iter().map(|f| f.name).collect();
        format!("unknown flow {}; one of {}", args.flow, names.join(", "))
    })?;
    if flow.needs_token && args.tokens.is_empty() {
        return Err(format!("the {} flow needs --token (or KETAPATH_TOKEN)", flow.name));
    }
    let args = Arc::new(args);
    let http = client(args.connections);
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.seconds);
    let tasks: Vec<_> = (0..args.connections)
        .map(|i| tokio::spawn(connection(http.clone(), args.clone(), i, flow, deadline)))
        .collect();
    let mut all = Outcome::default();
    for task in tasks {
        let out = task.await.map_err(|e| e.to_string())?;
        all.latencies_us.extend(out.latencies_us);
        for (status, count) in out.statuses {
            *all.statuses.entry(status).or_default() += count;
        }
        all.errors += out.errors;
        all.failures += out.failures;
        all.outage.merge(out.outage);
        all.acknowledged.extend(out.acknowledged);
        if all.sample_failure.is_none() {
            all.sample_failure = out.sample_failure;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.latencies_us.sort_unstable();
    let requests = all.latencies_us.len();
    let non_2xx: u64 = all.statuses.iter().filter(|(s, _)| !(200..300).contains(*s)).map(|(_, c)| c).sum();
    if let Some(path) = &args.ids {
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(|e| e.to_string())?;
        for line in &all.acknowledged {
            writeln!(file, "{line}").map_err(|e| e.to_string())?;
        }
    }
    let server_errors: u64 = all.statuses.iter().filter(|(s, _)| **s >= 500 && **s != 503).map(|(_, c)| c).sum();
    let mut summary = serde_json::json!({
        "flow": flow.name,
        "connections": args.connections,
        "seconds": (elapsed * 10.0).round() / 10.0,
        "requests": requests,
        "requests_per_second": (requests as f64 / elapsed).round(),
        "statuses": all.statuses,
        "non_2xx": non_2xx,
        "transport_errors": all.errors,
        "p50_ms": percentile(&all.latencies_us, 50.0),
        "p99_ms": percentile(&all.latencies_us, 99.0),
        "max_ms": percentile(&all.latencies_us, 100.0),
        "acknowledged_writes": all.acknowledged.len(),
    });
    if args.outage {
        summary["outage"] = serde_json::json!({
            "unavailable_with_retry_after": all.outage.unavailable,
            "server_errors_other_than_503": server_errors,
            "failing_answers": all.failures,
            "first_failure_unix_ms": all.outage.first_failure_ms,
            "last_failure_unix_ms": all.outage.last_failure_ms,
            "last_success_unix_ms": all.outage.last_success_ms,
        });
    }
    println!("{summary}");
    if let Some(failure) = all.sample_failure {
        eprintln!("first failure: {}", failure.chars().take(300).collect::<String>());
    }
    Ok(all.failures == 0)
}

/// What a read-back found: records checked, and the acknowledged ones missing.
#[derive(Default)]
struct ReadBack {
    checked: usize,
    lost: Vec<String>,
}

impl ReadBack {
    /// Reads `uri` (the record `owner`) and checks that its `list` holds every id in `ids`.
    async fn check(
        &mut self,
        http: &HttpClient,
        args: &Args,
        uri: &str,
        list: &str,
        owner: &str,
        ids: &[String],
    ) -> Result<(), String> {
        // A record of another clinic's account answers 404: the first token that reads it is its clinic's.
        let mut answer = None;
        for token in args.tokens.iter().map(|t| Some(t.as_str())).chain(args.tokens.is_empty().then_some(None)) {
            let (status, body) = send(http, request(&args.addr, token, Method::GET, uri, None)).await?;
            let found = status == StatusCode::OK;
            answer = Some((status, body));
            if found {
                break;
            }
        }
        let Some((status, body)) = answer else { return Ok(()) };
        if status != StatusCode::OK {
            self.lost.push(format!("{owner}: {status}"));
            return Ok(());
        }
        self.checked += 1;
        let doc: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        let stored: Vec<&str> =
            doc[list].as_array().map(|a| a.iter().filter_map(|x| x["id"].as_str()).collect()).unwrap_or_default();
        for id in ids {
            self.checked += 1;
            if !stored.contains(&id.as_str()) {
                self.lost.push(format!("{list} {id} of {owner}"));
            }
        }
        Ok(())
    }
}

/// Reads every acknowledged write back: each patient answers 200 and each assessment is in its patient's list.
async fn readback(args: Args) -> Result<bool, String> {
    let path = args.ids.as_deref().ok_or("readback needs --ids FILE")?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut patients: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut sessions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        match parts.as_slice() {
            ["patient", id] => {
                patients.entry((*id).to_owned()).or_default();
            }
            ["assessment", patient, id] => patients.entry((*patient).to_owned()).or_default().push((*id).to_owned()),
            ["session", patient, id] => {
                patients.entry((*patient).to_owned()).or_default();
                sessions.entry((*id).to_owned()).or_default();
            }
            ["observation", session, id] => sessions.entry((*session).to_owned()).or_default().push((*id).to_owned()),
            _ => return Err(format!("{path}: unreadable line {line:?}")),
        }
    }
    let http = client(16);
    let mut tally = ReadBack::default();
    // Each patient answers 200 and lists every acknowledged assessment; each session every observation.
    for (patient, ids) in &patients {
        let uri = format!("/api/v1/patients/{patient}/assessments");
        tally.check(&http, &args, &uri, "assessments", &format!("patient {patient}"), ids).await?;
    }
    for (session, ids) in &sessions {
        let uri = format!("/api/v1/sessions/{session}");
        tally.check(&http, &args, &uri, "observations", &format!("session {session}"), ids).await?;
    }
    let ReadBack { checked, lost } = tally;
    println!("{}", serde_json::json!({"read_back": checked, "lost": lost.len()}));
    for item in lost.iter().take(20) {
        eprintln!("lost: {item}");
    }
    Ok(lost.is_empty())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let result = match args() {
        Ok(args) if args.command == "run" => run(args).await,
        Ok(args) if args.command == "readback" => readback(args).await,
        Ok(args) => Err(format!("unknown command {}; run or readback", args.command)),
        Err(e) => Err(e),
    };
    match result {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(message) => {
            eprintln!("campaign_load: {message}");
            std::process::ExitCode::from(2)
        }
    }
}
