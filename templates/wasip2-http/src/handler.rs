//! The glue between `wasi:http/incoming-handler` and [`crate::respond`].

use std::io::{Read as _, Write as _};

use wasip2::http::types::{
    Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

struct Handler;

wasip2::http::proxy::export!(Handler);

impl wasip2::exports::http::incoming_handler::Guest for Handler {
    fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
        let method = match request.method() {
            Method::Get => "GET".to_string(),
            Method::Post => "POST".to_string(),
            Method::Put => "PUT".to_string(),
            Method::Delete => "DELETE".to_string(),
            Method::Head => "HEAD".to_string(),
            Method::Options => "OPTIONS".to_string(),
            Method::Patch => "PATCH".to_string(),
            Method::Connect => "CONNECT".to_string(),
            Method::Trace => "TRACE".to_string(),
            Method::Other(other) => other,
        };
        let path = request.path_with_query().unwrap_or_else(|| "/".to_string());
        let body = read_body(request).unwrap_or_default();
        let response = crate::respond(&method, &path, &body);

        let headers = Fields::new();
        // A header the host refuses would be a bug here, not a client's fault: answer without it.
        let _ = headers.set("content-type", &[response.content_type.as_bytes().to_vec()]);
        let outgoing = OutgoingResponse::new(headers);
        let _ = outgoing.set_status_code(response.status);
        let Ok(body) = outgoing.body() else {
            return;
        };
        ResponseOutparam::set(response_out, Ok(outgoing));
        if let Ok(mut stream) = body.write() {
            let _ = stream.write_all(&response.body);
            let _ = stream.flush();
        }
        let _ = OutgoingBody::finish(body, None);
    }
}

fn read_body(request: IncomingRequest) -> Option<Vec<u8>> {
    let incoming = request.consume().ok()?;
    let mut bytes = Vec::new();
    {
        let mut stream = incoming.stream().ok()?;
        stream.read_to_end(&mut bytes).ok()?;
    }
    Some(bytes)
}
