//! The HTTP server around the application, with every connection bounded in time: a request's
//! head must arrive within `header_timeout` (counted from when the server waits for it, so an
//! idle connection between requests is closed after it too), the whole request within
//! `request_timeout` (a 408 then), and a connection on which no byte moves either way for
//! `idle_timeout` is dropped (a client that stops reading an answer, or stops sending a body).
//! At most `max_connections` are served at once; the others wait in the kernel's queue.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// How long the server waits, and for how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// For a request's head (line and headers), from when the server waits for one.
    pub header_timeout: Duration,
    /// For a whole request, its body included, and its answer to be ready.
    pub request_timeout: Duration,
    /// The same for an upload (an evidence file of 10 MB over a slow line takes minutes).
    pub upload_timeout: Duration,
    /// For any byte to move on a connection that has something to send or receive.
    pub idle_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// Uploads received at once (each holds its file in memory until it is stored); more
    /// wait for a place up to `upload_wait`, then are told to try again.
    pub uploads: usize,
    pub upload_wait: Duration,
    /// Papers typeset at once (a PDF takes a processor and up to about 150 MB while it is
    /// made); more wait for a place up to `upload_wait`, then are told to try again.
    pub papers: usize,
    /// How long requests in flight may finish once the server is asked to stop.
    pub shutdown_grace: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            upload_timeout: Duration::from_secs(300),
            idle_timeout: Duration::from_secs(120),
            max_connections: 10_000,
            uploads: 4,
            upload_wait: Duration::from_secs(15),
            papers: 2,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// How many connections the kernel may hold for the server before it takes them: a burst of
/// clients beyond it would have their handshake dropped (the system caps it at somaxconn).
const BACKLOG: u32 = 4096;

/// A listener on `addr` with a queue long enough for bursts (the standard library's is 128:
/// past it, a client's connection can look open to it while the server never sees it).
pub fn listen(addr: std::net::SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// How long a connection that ended after an answer keeps reading (and dropping) what the
/// client still sends: closing a socket with unread data makes the kernel reset it, and a
/// reset can destroy the answer before the client reads it (a refused upload would show as a
/// broken connection instead of its 401 or 413 page).
const LINGER: Duration = Duration::from_secs(2);

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish (for `shutdown_grace` at most).
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let max = limits.max_connections.max(1);
    let slots = Arc::new(Semaphore::new(max));
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => permit,
            () = &mut shutdown => break,
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of descriptors, or a connection reset before it was taken: wait a
                // little (connections in flight free descriptors) instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let mut req = req.map(Body::new);
            // The peer's address feeds the per-address sign-in throttle.
            req.extensions_mut().insert(ConnectInfo(peer));
            Box::pin(router.clone().oneshot(req))
        });
        let io = TokioIo::new(Idle::new(stream, limits.idle_timeout));
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let mut connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .keep_alive(true)
                .serve_connection(io, service);
            let mut asked = false;
            let ended = loop {
                tokio::select! {
                    ended = std::future::poll_fn(|cx| connection.poll_without_shutdown(cx)) => {
                        break ended;
                    }
                    _ = stopping.changed(), if !asked => {
                        // Finish the request in flight, take no other.
                        asked = true;
                        Pin::new(&mut connection).graceful_shutdown();
                    }
                }
            };
            match ended {
                Ok(()) => linger(connection.into_parts().io.into_inner().stream).await,
                Err(e) => tracing::debug!(error = %e, %peer, "connection ended"),
            }
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    // Every connection holds a slot until it ends: all slots back, all connections done.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.shutdown_grace, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight at shutdown were cut");
    }
    Ok(())
}

/// Ends a connection after its last answer: the answer goes out with a FIN after it, then
/// what the client still sends is read and dropped for `LINGER` at most, then it closes.
async fn linger(mut stream: TcpStream) {
    if stream.shutdown().await.is_err() {
        return;
    }
    // On the heap, and only now: a buffer inside the connection's future would cost every
    // connection its size for as long as it lives.
    let mut sink = vec![0u8; 8 * 1024];
    let _ = tokio::time::timeout(LINGER, async {
        while let Ok(n) = stream.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

/// A connection that fails when no byte moves for `timeout` while it is waited on.
struct Idle {
    stream: TcpStream,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl Idle {
    fn new(stream: TcpStream, timeout: Duration) -> Self {
        Idle {
            stream,
            timeout,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        }
    }

    /// Something moved: the clock starts again.
    fn moved(&mut self) {
        let next = Instant::now() + self.timeout;
        self.deadline.as_mut().reset(next);
    }

    /// Nothing moved: an error once the deadline has passed.
    fn waited(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        ready!(self.deadline.as_mut().poll(cx));
        Poll::Ready(io::Error::new(
            io::ErrorKind::TimedOut,
            "no data moved on the connection",
        ))
    }

    /// One `poll` of the stream that moves bytes: done, the clock starts again; pending, it
    /// runs on.
    fn watched<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: impl FnOnce(Pin<&mut TcpStream>, &mut Context<'_>) -> Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match poll(Pin::new(&mut self.stream), cx) {
            Poll::Ready(r) => {
                self.moved();
                Poll::Ready(r)
            }
            Poll::Pending => self.waited(cx).map(Err),
        }
    }
}

impl AsyncRead for Idle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.watched(cx, |s, cx| s.poll_read(cx, buf))
    }
}

impl AsyncWrite for Idle {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.watched(cx, |s, cx| s.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.watched(cx, |s, cx| s.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
