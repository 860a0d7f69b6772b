//! The cross-reference stream, compressed. lopdf writes it as raw rows of 7 bytes per
//! object (`/W [1 4 2]`) with no filter: 40 KB in a long tagged article, whose link
//! annotations and structure elements are thousands of objects. Rows of neighbouring
//! objects differ in a byte or two, so the PNG "Up" predictor (each row minus the row
//! above, ISO 32000-1, 7.4.4.4) followed by Flate shrinks them to a few percent.
//!
//! lopdf writes the stream last, right before `startxref`, so rewriting it in place moves
//! no other object and leaves the `startxref` offset as it is.

use std::io::Write;

/// Compresses the cross-reference stream at the end of `pdf`, as lopdf wrote it. Leaves
/// the bytes as they are if they are not laid out that way.
pub fn compress_xref_stream(pdf: &mut Vec<u8>) {
    if let Some(compressed) = compressed(pdf) {
        *pdf = compressed;
    }
}

fn compressed(pdf: &[u8]) -> Option<Vec<u8>> {
    let marker = rfind(pdf, b"startxref\n")?;
    let tail = &pdf[marker + b"startxref\n".len()..];
    let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
    let start: usize = std::str::from_utf8(&tail[..digits]).ok()?.parse().ok()?;
    let object = pdf.get(start..marker)?;
    let dict_end = find(object, b">>stream\n")?;
    let dict = std::str::from_utf8(&object[..dict_end]).ok()?;
    if !dict.contains("/Type/XRef") || dict.contains("/Filter") || !dict.contains("/W[1 4 2]") {
        return None;
    }
    let length_at = dict.find("/Length ")?;
    let length_digits = dict[length_at + 8..]
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    let length: usize = dict[length_at + 8..length_at + 8 + length_digits]
        .parse()
        .ok()?;
    let data_start = dict_end + b">>stream\n".len();
    let rows = object.get(data_start..data_start + length)?;
    const COLUMNS: usize = 7;
    if rows.len() % COLUMNS != 0 {
        return None;
    }
    let mut predicted = Vec::with_capacity(rows.len() + rows.len() / COLUMNS);
    let mut above = [0u8; COLUMNS];
    for row in rows.chunks_exact(COLUMNS) {
        predicted.push(2); // PNG "Up"
        for (byte, up) in row.iter().zip(above.iter_mut()) {
            predicted.push(byte.wrapping_sub(*up));
            *up = *byte;
        }
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(&predicted).ok()?;
    let deflated = encoder.finish().ok()?;
    let new_dict = format!(
        "{}/Length {}/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns {COLUMNS}>>{}",
        &dict[..length_at],
        deflated.len(),
        &dict[length_at + 8 + length_digits..],
    );
    let mut out = Vec::with_capacity(start + new_dict.len() + deflated.len() + 64);
    out.extend_from_slice(&pdf[..start]);
    out.extend_from_slice(new_dict.as_bytes());
    out.extend_from_slice(b">>stream\n");
    out.extend_from_slice(&deflated);
    out.extend_from_slice(&object[data_start + length..]);
    out.extend_from_slice(&pdf[marker..]);
    Some(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Document, Object};

    fn saved(objects: usize) -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let mut ids = Vec::new();
        for n in 0..objects {
            ids.push(doc.add_object(dictionary! { "N" => Object::Integer(n as i64) }));
        }
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Items" => Object::Array(ids.into_iter().map(Object::Reference).collect()),
        });
        doc.trailer.set("Root", catalog);
        let options = lopdf::SaveOptions::builder()
            .use_object_streams(true)
            .use_xref_streams(true)
            .build();
        let mut bytes = Vec::new();
        doc.save_with_options(&mut bytes, options).expect("saves");
        bytes
    }

    #[test]
    fn the_compressed_stream_reads_back_the_same_objects() {
        let plain = saved(2000);
        let mut packed = plain.clone();
        compress_xref_stream(&mut packed);
        assert!(
            packed.len() + 10_000 < plain.len(),
            "{} → {}",
            plain.len(),
            packed.len()
        );
        let doc = Document::load_mem(&packed).expect("reads back");
        let catalog = doc.catalog().expect("catalog");
        let items = catalog
            .get(b"Items")
            .and_then(Object::as_array)
            .expect("items");
        assert_eq!(items.len(), 2000);
        for (n, item) in items.iter().enumerate() {
            let id = item.as_reference().expect("reference");
            let object = doc.get_dictionary(id).expect("object");
            assert_eq!(
                object.get(b"N").and_then(Object::as_i64).ok(),
                Some(n as i64)
            );
        }
    }

    #[test]
    fn bytes_laid_out_otherwise_are_left_alone() {
        let mut other = b"%PDF-1.7\nnot what lopdf writes\nstartxref\n9\n%%EOF".to_vec();
        let before = other.clone();
        compress_xref_stream(&mut other);
        assert_eq!(other, before);
    }
}
