//! The frames a worker process and the service exchange over the worker's standard input
//! and output. A frame is a JSON message and a byte blob, each behind its length (four
//! bytes, little-endian): the message says what the frame is, the blob carries the bulk
//! (the markdown, an image, the PDF) without escaping.

use std::io::{self, Read, Write};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use folio::{Error, Limits, RenderOptions, Warning};

/// The largest message a peer may send: messages are small (options, warnings).
const MAX_MESSAGE: u32 = 16 * 1024 * 1024;
/// The largest blob: a PDF of many pages with pictures, an article, an image.
const MAX_BLOB: u32 = 1024 * 1024 * 1024;

/// What the service tells a worker.
#[derive(Debug, Serialize, Deserialize)]
pub enum ToWorker {
    /// Render the blob (the markdown, UTF-8) with these options and limits, stopping
    /// after `deadline_ms` at the latest.
    Render {
        options: Box<RenderOptions>,
        /// Where the article came from (what its relative addresses resolve against).
        origin: folio::Origin,
        limits: Limits,
        deadline_ms: Option<u64>,
    },
    /// Stop the render in progress (its client is gone, or its deadline passed).
    Cancel,
    /// The answer to [`FromWorker::Image`]: `Ok` with the bytes in the blob, or why not.
    Image { result: Result<(), String> },
}

/// What a worker tells the service.
#[derive(Debug, Serialize, Deserialize)]
pub enum FromWorker {
    /// The engine is built: the worker takes renders.
    Ready,
    /// The render needs the image at `url` (as the article wrote it), at most
    /// `max_bytes` of it. The worker has no network and reads no files: the service
    /// fetches under its policy.
    Image { url: String, max_bytes: usize },
    /// The render is finished: the PDF is the blob.
    Done { result: Result<Finished, Error> },
    /// The render panicked (a bug in Folio): the message.
    Panicked { message: String },
}

/// A finished render, but for its PDF (the frame's blob).
#[derive(Debug, Serialize, Deserialize)]
pub struct Finished {
    pub pages: usize,
    pub warnings: Vec<Warning>,
    pub title: Option<String>,
    pub external_images: Vec<folio::images::ExternalImage>,
    pub quality: Box<folio::quality::Quality>,
}

/// Writes one frame and flushes it.
pub fn write_frame<T: Serialize>(out: &mut impl Write, message: &T, blob: &[u8]) -> io::Result<()> {
    let json = serde_json::to_vec(message).map_err(io::Error::other)?;
    let too_big = || io::Error::new(io::ErrorKind::InvalidInput, "frame too large");
    let json_len = u32::try_from(json.len()).map_err(|_| too_big())?;
    let blob_len = u32::try_from(blob.len()).map_err(|_| too_big())?;
    if json_len > MAX_MESSAGE || blob_len > MAX_BLOB {
        return Err(too_big());
    }
    out.write_all(&json_len.to_le_bytes())?;
    out.write_all(&json)?;
    out.write_all(&blob_len.to_le_bytes())?;
    out.write_all(blob)?;
    out.flush()
}

/// Reads one frame; `UnexpectedEof` when the peer closed its end between frames.
pub fn read_frame<T: DeserializeOwned>(input: &mut impl Read) -> io::Result<(T, Vec<u8>)> {
    let json = read_part(input, MAX_MESSAGE)?;
    let message =
        serde_json::from_slice(&json).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let blob = read_part(input, MAX_BLOB)?;
    Ok((message, blob))
}

fn read_part(input: &mut impl Read, max: u32) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    input.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len);
    if len > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame part of {len} bytes is over {max}"),
        ));
    }
    let mut part = Vec::new();
    input.take(len as u64).read_to_end(&mut part)?;
    if part.len() != len as usize {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_refuse_oversized_parts() {
        let mut wire = Vec::new();
        write_frame(
            &mut wire,
            &FromWorker::Image {
                url: "a.png".into(),
                max_bytes: 9,
            },
            b"",
        )
        .unwrap();
        write_frame(
            &mut wire,
            &FromWorker::Done {
                result: Err(Error::Cancelled),
            },
            b"%PDF",
        )
        .unwrap();
        let mut reader = wire.as_slice();
        let (first, blob): (FromWorker, _) = read_frame(&mut reader).unwrap();
        assert!(matches!(first, FromWorker::Image { max_bytes: 9, .. }) && blob.is_empty());
        let (second, blob): (FromWorker, _) = read_frame(&mut reader).unwrap();
        assert!(matches!(
            second,
            FromWorker::Done {
                result: Err(Error::Cancelled)
            }
        ));
        assert_eq!(blob, b"%PDF");
        let end = read_frame::<FromWorker>(&mut reader).unwrap_err();
        assert_eq!(end.kind(), io::ErrorKind::UnexpectedEof);

        let mut huge = (MAX_MESSAGE + 1).to_le_bytes().to_vec();
        huge.extend_from_slice(b"{}");
        let err = read_frame::<FromWorker>(&mut huge.as_slice()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        // A frame cut short is an end, not a hang or a huge allocation.
        let cut = [5u8, 0, 0, 0, b'{'];
        let err = read_frame::<FromWorker>(&mut cut.as_slice()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}
