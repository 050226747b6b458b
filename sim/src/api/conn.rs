//! The serve loop: every accepted connection is tracked, so faults can act on connections
//! (a TCP reset for all of them, dropping the ones a blackhole stalled) and shutdown can
//! end them (gracefully, then by force).

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower_service::Service;

use crate::Sim;

/// How long connections get to finish their requests after shutdown begins.
const GRACE: Duration = Duration::from_secs(2);
/// How long a TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// What the handlers know about the connection a request came on (a request extension).
#[derive(Clone, Debug, Default)]
pub struct ConnInfo {
    /// The client presented a certificate signed by the run's CA.
    pub client_cert: bool,
    /// Set when a request or watch on this connection was stalled by a blackhole: the
    /// connection is dropped when the blackhole ends.
    pub stalled: Arc<AtomicBool>,
    /// Set by the admin request that asks for a reset, so its own answer gets out.
    pub spare_reset: Arc<AtomicBool>,
}

impl ConnInfo {
    pub fn mark_stalled(&self) {
        self.stalled.store(true, Ordering::Relaxed);
    }
}

/// Serve `app` on `listener` until `shutdown` fires; then let open connections finish for a
/// moment and drop the rest.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    sim: Arc<Sim>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    let per_conn = shutdown.clone();
    loop {
        tokio::select! {
            _ = stopping(&mut shutdown) => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((tcp, _peer)) => {
                    conns.spawn(connection(tcp, app.clone(), sim.clone(), tls.clone(), per_conn.clone()));
                }
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    let drain = async { while conns.join_next().await.is_some() {} };
    if tokio::time::timeout(GRACE + Duration::from_secs(1), drain)
        .await
        .is_err()
    {
        conns.abort_all();
    }
}

/// One connection: TLS (when configured), then HTTP/1 or HTTP/2, until it ends, a reset
/// fault, the end of a blackhole that stalled it, or shutdown.
async fn connection(
    tcp: TcpStream,
    app: axum::Router,
    sim: Arc<Sim>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: watch::Receiver<bool>,
) {
    let _ = tcp.set_nodelay(true);
    // A second handle on the socket, to set SO_LINGER 0 (a reset on close) when asked.
    let Ok((tcp, raw)) = split_handle(tcp) else {
        return;
    };
    let mut info = ConnInfo::default();
    match tls {
        None => run(TokioIo::new(tcp), raw, app, sim, info, shutdown).await,
        Some(acceptor) => {
            let stream = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => {
                    tracing::debug!("TLS handshake failed: {e}");
                    return;
                }
                Err(_) => return,
            };
            info.client_cert = stream
                .get_ref()
                .1
                .peer_certificates()
                .is_some_and(|c| !c.is_empty());
            run(TokioIo::new(stream), raw, app, sim, info, shutdown).await
        }
    }
}

fn split_handle(tcp: TcpStream) -> std::io::Result<(TcpStream, std::net::TcpStream)> {
    let std = tcp.into_std()?;
    let raw = std.try_clone()?;
    Ok((TcpStream::from_std(std)?, raw))
}

async fn run<I>(
    io: TokioIo<I>,
    raw: std::net::TcpStream,
    app: axum::Router,
    sim: Arc<Sim>,
    info: ConnInfo,
    mut shutdown: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let conn_info = info.clone();
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(conn_info.clone());
        let mut app = app.clone();
        async move {
            let resp: Response = app
                .call(req.map(Body::new))
                .await
                .unwrap_or_else(|e| match e {});
            Ok::<_, Infallible>(resp)
        }
    });
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection_with_upgrades(io, service);
    tokio::pin!(conn);
    let mut reset = sim.faults.reset.subscribe();
    let mut blackhole = sim.faults.blackhole_changes();
    loop {
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!("connection ended: {e}");
                }
                return;
            }
            _ = reset.changed() => {
                if info.spare_reset.swap(false, Ordering::Relaxed) {
                    continue;
                }
                tracing::debug!("fault: connection reset");
                return reset_close(raw);
            }
            Ok(()) = blackhole.changed() => {
                if !*blackhole.borrow_and_update() && info.stalled.load(Ordering::Relaxed) {
                    tracing::debug!("blackhole ended: dropping a stalled connection");
                    return reset_close(raw);
                }
            }
            _ = stopping(&mut shutdown) => break,
        }
    }
    conn.as_mut().graceful_shutdown();
    let _ = tokio::time::timeout(GRACE, conn).await;
}

/// Resolves when shutdown begins.
async fn stopping(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// Close with SO_LINGER 0: the peer gets a TCP reset.
fn reset_close(raw: std::net::TcpStream) {
    let _ = socket2::SockRef::from(&raw).set_linger(Some(Duration::ZERO));
    // Dropping `raw` and the connection (the caller returns) closes the socket.
}
