//! A `wasi:http` proxy component: `wasmtime serve` calls the handler for every request.
//! The routes live in [`respond`], free of bindings, so they are tested like any function.

#[cfg(not(test))]
mod handler;

/// A response: status, content type, body.
#[derive(Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Response {
    fn text(status: u16, body: String) -> Self {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.into_bytes(),
        }
    }
}

/// The routes:
/// - `GET /` greets;
/// - `GET /hello/<name>` greets `name`;
/// - `POST /echo` answers with the request body;
/// - anything else is 404, or 405 for a known path with another method.
pub fn respond(method: &str, path_with_query: &str, body: &[u8]) -> Response {
    let path = path_with_query
        .split_once('?')
        .map_or(path_with_query, |(path, _)| path);
    match (method, path) {
        ("GET", "/") => Response::text(200, "Hello from a wasm32-wasip2 component!\n".into()),
        ("GET", path) if path.starts_with("/hello/") => {
            let name = &path["/hello/".len()..];
            if name.is_empty() || name.contains('/') {
                Response::text(400, "usage: /hello/<name>\n".into())
            } else {
                Response::text(200, format!("Hello, {name}!\n"))
            }
        }
        ("POST", "/echo") => Response {
            status: 200,
            content_type: "application/octet-stream",
            body: body.to_vec(),
        },
        (_, "/" | "/echo") => Response::text(405, format!("{method} is not allowed on {path}\n")),
        _ => Response::text(404, format!("not found: {path}\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greets_on_the_root_and_by_name() {
        assert_eq!(respond("GET", "/", b"").status, 200);
        let response = respond("GET", "/hello/Ada?x=1", b"");
        assert_eq!(response.body, b"Hello, Ada!\n");
    }

    #[test]
    fn echoes_posted_bytes() {
        let response = respond("POST", "/echo", b"\x00ping");
        assert_eq!(
            (response.status, response.body.as_slice()),
            (200, &b"\x00ping"[..])
        );
    }

    #[test]
    fn unknown_paths_and_methods_are_refused() {
        assert_eq!(respond("GET", "/nope", b"").status, 404);
        assert_eq!(respond("DELETE", "/", b"").status, 405);
        assert_eq!(respond("GET", "/hello/", b"").status, 400);
    }
}
