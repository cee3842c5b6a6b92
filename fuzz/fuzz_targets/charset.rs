//! The charset sniffer: any body with any Content-Type decodes to text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first line is the Content-Type, the rest the body.
    let (header, body) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (
            Some(String::from_utf8_lossy(&data[..at]).into_owned()),
            &data[at + 1..],
        ),
        None => (None, data),
    };
    let _ = citecheck::fetch::charset::decode(body, header.as_deref());
});
