//! Document information, XMP metadata, language, identifier and stream compression:
//! the parts of a finished PDF that printpdf leaves random, empty or uncompressed.

use lopdf::{Dictionary, Document, Object, Stream, StringFormat};

use crate::error::Error;
use crate::options::PdfStandard;

const PRODUCER: &str = concat!("Folio ", env!("CARGO_PKG_VERSION"));

/// A text string as PDF wants it: UTF-16BE with a byte order mark.
pub fn text_string(s: &str) -> Object {
    Object::String(super::content::utf16_text(s), StringFormat::Hexadecimal)
}

/// `2024-03-01` (or a longer ISO 8601 date-time) as a PDF date, if it is one.
pub fn pdf_date(date: &str) -> Option<String> {
    let digits: String = date
        .chars()
        .take(10)
        .filter(|c| c.is_ascii_digit())
        .collect();
    let d = date.as_bytes();
    if digits.len() != 8 || d.len() < 10 || d[4] != b'-' || d[7] != b'-' {
        return None;
    }
    let month: u32 = digits[4..6].parse().ok()?;
    let day: u32 = digits[6..8].parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("D:{digits}000000Z"))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What the PDF says about itself.
#[derive(Debug, Clone, Default)]
pub struct PdfInfo {
    pub title: Option<String>,
    pub author: Option<String>,
    pub subject: Option<String>,
    pub keywords: Vec<String>,
    /// BCP 47 language tag.
    pub lang: String,
    /// The article's date as the front matter gives it (`YYYY-MM-DD...`); written as
    /// the creation date when it parses. No clock time is ever written, so the same input
    /// gives the same bytes.
    pub date: Option<String>,
    /// The document's permanent identifier (derived from its input).
    pub id: [u8; 16],
    /// The standards the file is made to (tagged unless `none`).
    pub standard: crate::options::PdfStandard,
    /// Whether the file claims them in its metadata (it does unless the render found
    /// something that keeps it from conforming).
    pub claimed: bool,
}

/// Replaces printpdf's info dictionary, sets the language and the document ID, and adds
/// an XMP metadata stream that says the same things.
pub fn write_info(doc: &mut Document, info: &PdfInfo) -> Result<(), Error> {
    let mut dict = Dictionary::new();
    if let Some(title) = &info.title {
        dict.set("Title", text_string(title));
    }
    if let Some(author) = &info.author {
        dict.set("Author", text_string(author));
    }
    if let Some(subject) = &info.subject {
        dict.set("Subject", text_string(subject));
    }
    if !info.keywords.is_empty() {
        dict.set("Keywords", text_string(&info.keywords.join(", ")));
    }
    dict.set("Creator", text_string(PRODUCER));
    dict.set("Producer", text_string(PRODUCER));
    let date = info.date.as_deref().and_then(pdf_date);
    if let Some(date) = &date {
        dict.set("CreationDate", Object::string_literal(date.as_str()));
        dict.set("ModDate", Object::string_literal(date.as_str()));
    }
    let info_id = doc.add_object(dict);
    doc.trailer.set("Info", Object::Reference(info_id));

    let id = Object::String(info.id.to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));

    let xmp = xmp_packet(info, date.as_deref());
    let mut stream_dict = Dictionary::new();
    stream_dict.set("Type", Object::Name(b"Metadata".to_vec()));
    stream_dict.set("Subtype", Object::Name(b"XML".to_vec()));
    let metadata_id = doc.add_object(Stream::new(stream_dict, xmp.into_bytes()));
    // Colours are drawn in DeviceRGB and DeviceGray: an archival file says what they
    // mean with an sRGB output intent (ISO 19005-2, 6.2.4.3).
    let output_intent = if info.standard.archival() {
        Some(Object::Dictionary(srgb_output_intent(doc)?))
    } else {
        None
    };
    let catalog = doc
        .catalog_mut()
        .map_err(|e| Error::Internal(format!("PDF catalog: {e}")))?;
    catalog.set("Lang", text_string(&info.lang));
    catalog.set("Metadata", Object::Reference(metadata_id));
    if let Some(intent) = output_intent {
        catalog.set("OutputIntents", Object::Array(vec![intent]));
    }
    catalog.set(
        "ViewerPreferences",
        Object::Dictionary(Dictionary::from_iter(vec![(
            "DisplayDocTitle",
            Object::Boolean(true),
        )])),
    );
    Ok(())
}

/// The sRGB profile (IEC 61966-2-1) as moxcms encodes it from the standard's primaries
/// and curve, made once. The encoder stamps the clock into the header's creation date
/// (bytes 24 to 36); a fixed date there keeps equal inputs giving equal bytes.
fn srgb_profile() -> Result<&'static [u8], Error> {
    static PROFILE: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
    let profile = PROFILE.get_or_init(|| {
        let mut bytes = moxcms::ColorProfile::new_srgb()
            .encode()
            .map_err(|e| format!("encoding the sRGB profile: {e:?}"))?;
        if let Some(date) = bytes.get_mut(24..36) {
            date.copy_from_slice(&ICC_DATE);
        }
        Ok(bytes)
    });
    profile.as_deref().map_err(|e| Error::Internal(e.clone()))
}

/// 2026-01-01 00:00:00, as an ICC dateTimeNumber (six big-endian 16-bit numbers).
const ICC_DATE: [u8; 12] = [0x07, 0xea, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0];

/// A PDF/A output intent whose profile is sRGB.
fn srgb_output_intent(doc: &mut Document) -> Result<Dictionary, Error> {
    let stream = Stream::new(
        Dictionary::from_iter([("N", Object::Integer(3))]),
        srgb_profile()?.to_vec(),
    );
    let profile_id = doc.add_object(stream);
    Ok(Dictionary::from_iter([
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        (
            "OutputConditionIdentifier",
            text_string("sRGB IEC61966-2.1"),
        ),
        ("Info", text_string("sRGB IEC61966-2.1")),
        ("DestOutputProfile", Object::Reference(profile_id)),
    ]))
}

fn xmp_packet(info: &PdfInfo, pdf_date: Option<&str>) -> String {
    let mut rdf = String::new();
    if let Some(title) = &info.title {
        rdf.push_str(&format!(
            "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>",
            xml_escape(title)
        ));
    }
    if let Some(author) = &info.author {
        rdf.push_str(&format!(
            "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>",
            xml_escape(author)
        ));
    }
    if let Some(subject) = &info.subject {
        rdf.push_str(&format!(
            "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>",
            xml_escape(subject)
        ));
    }
    rdf.push_str(&format!(
        "<dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>",
        xml_escape(&info.lang)
    ));
    if !info.keywords.is_empty() {
        rdf.push_str(&format!(
            "<pdf:Keywords>{}</pdf:Keywords>",
            xml_escape(&info.keywords.join(", "))
        ));
    }
    rdf.push_str(&format!("<pdf:Producer>{PRODUCER}</pdf:Producer>"));
    rdf.push_str(&format!("<xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>"));
    if let Some(date) = pdf_date {
        let iso = format!("{}-{}-{}T00:00:00Z", &date[2..6], &date[6..8], &date[8..10]);
        rdf.push_str(&format!(
            "<xmp:CreateDate>{iso}</xmp:CreateDate><xmp:ModifyDate>{iso}</xmp:ModifyDate>"
        ));
    }
    let claims = if info.claimed {
        claims(info.standard)
    } else {
        String::new()
    };
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">{rdf}\
</rdf:Description>{claims}</rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
    )
}

/// The XMP that claims the standards: PDF/A's identification (part 2, conformance A),
/// PDF/UA's (part 1), and, in a PDF/A file, the description of the PDF/UA schema that
/// PDF/A asks for every schema it does not know (ISO 19005-2, 6.6.2.3).
fn claims(standard: PdfStandard) -> String {
    let mut xml = String::new();
    if standard.archival() {
        xml.push_str(
            "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\
<pdfaid:part>2</pdfaid:part><pdfaid:conformance>A</pdfaid:conformance></rdf:Description>",
        );
    }
    if standard.ua() {
        xml.push_str(
            "<rdf:Description rdf:about=\"\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\
<pdfuaid:part>1</pdfuaid:part></rdf:Description>",
        );
    }
    if standard.ua() && standard.archival() {
        xml.push_str(
            "<rdf:Description rdf:about=\"\" \
xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\
<pdfaProperty:name>part</pdfaProperty:name>\
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>\
<pdfaProperty:category>internal</pdfaProperty:category>\
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>\
</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas>\
</rdf:Description>",
        );
    }
    xml
}

/// A deflate compressor reused from stream to stream (a fresh one allocates and clears
/// its tables every time). Level 6 is the knee of the curve: level 9 costs several times
/// the time for a few percent of size.
pub struct Deflater {
    compressor: flate2::Compress,
}

impl Deflater {
    pub fn new() -> Deflater {
        Deflater {
            compressor: flate2::Compress::new(flate2::Compression::new(6), true),
        }
    }

    /// Deflates `stream` if it is not compressed yet and compression makes it smaller.
    /// The XMP packet is compressed too: PDF/A-2 allows it (PDF/A-1 did not), every
    /// reader and metadata tool inflates it, and with the standards' claims it is over a
    /// kilobyte of a short article's file.
    pub fn compress(&mut self, stream: &mut lopdf::Stream) {
        if stream.dict.get(b"Filter").is_ok() {
            return;
        }
        self.compressor.reset();
        // Deflate never grows data by more than a few bytes per 16 KB block; a stream that
        // would not fit this room is not worth compressing.
        let room = stream.content.len() + stream.content.len() / 1000 + 64;
        let mut compressed = Vec::with_capacity(room);
        let done = self.compressor.compress_vec(
            &stream.content,
            &mut compressed,
            flate2::FlushCompress::Finish,
        );
        if !matches!(done, Ok(flate2::Status::StreamEnd)) {
            return;
        }
        if compressed.len() < stream.content.len() {
            stream
                .dict
                .set("Filter", Object::Name(b"FlateDecode".to_vec()));
            stream.set_content(compressed);
        }
    }
}

/// Deflates every stream of `doc` that is not compressed yet (font programs compress well
/// too).
pub fn compress_streams(doc: &mut Document, deflater: &mut Deflater) {
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object {
            deflater.compress(stream);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_only_when_they_are_dates() {
        assert_eq!(pdf_date("2024-03-01").as_deref(), Some("D:20240301000000Z"));
        assert_eq!(
            pdf_date("2024-03-01T10:00:00Z").as_deref(),
            Some("D:20240301000000Z")
        );
        assert_eq!(pdf_date("March 2024"), None);
        assert_eq!(pdf_date("2024-13-01"), None);
    }
}
