//! A page's text, written straight into content-stream bytes: operands in the fewest
//! characters that keep what a printer resolves (positions to a hundredth of a point,
//! glyph adjustments to a thousandth of an em), glyph codes as one hex string per run.
//! Going through printpdf's operations instead cost a heap object and a string per glyph,
//! then a second copy as lopdf operations, then a pass to shorten the numbers again.

/// Content-stream bytes being written.
#[derive(Debug, Default)]
pub struct Content {
    bytes: Vec<u8>,
}

/// Decimal places of text positions (1/100 pt).
const POSITION_DECIMALS: u32 = 2;
/// Decimal places of font sizes and colour components.
const FINE_DECIMALS: u32 = 4;

impl Content {
    pub fn new() -> Content {
        Content::default()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// An operator, ending its line.
    pub fn op(&mut self, operator: &str) {
        self.bytes.extend_from_slice(operator.as_bytes());
        self.bytes.push(b'\n');
    }

    /// `value` rounded to `decimals` places, without trailing zeros, and a space.
    fn number(&mut self, value: f32, decimals: u32) {
        write_number(&mut self.bytes, value, decimals);
        self.bytes.push(b' ');
    }

    /// `/name size Tf`.
    pub fn set_font(&mut self, name: &str, size: f32) {
        self.bytes.push(b'/');
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(b' ');
        self.number(size, FINE_DECIMALS);
        self.op("Tf");
    }

    /// `p Tz`: glyphs drawn `percent` per cent as wide as the font draws them.
    pub fn set_horizontal_scaling(&mut self, percent: f32) {
        self.number(percent, 2);
        self.op("Tz");
    }

    /// `r g b rg`, from components in 0–1.
    pub fn set_fill_rgb(&mut self, [r, g, b]: [f32; 3]) {
        for component in [r, g, b] {
            self.number(component, FINE_DECIMALS);
        }
        self.op("rg");
    }

    /// `1 0 0 1 x y Tm`, in hundredths of a point: the next glyph's origin.
    pub fn set_text_position(&mut self, x: i64, y: i64) {
        self.bytes.extend_from_slice(b"1 0 0 1 ");
        self.hundredths(x);
        self.hundredths(y);
        self.op("Tm");
    }

    /// `dx dy Td`, in hundredths of a point: the next glyph's origin, from the start of
    /// the current text line.
    pub fn move_line(&mut self, dx: i64, dy: i64) {
        self.hundredths(dx);
        self.hundredths(dy);
        self.op("Td");
    }

    /// A length given in hundredths of a point, and a space.
    fn hundredths(&mut self, value: i64) {
        self.number(value as f32 / 100.0, POSITION_DECIMALS);
    }

    /// `mode Tr` (0 fill, 3 invisible).
    pub fn set_rendering_mode(&mut self, mode: u8) {
        self.bytes.push(b'0' + mode);
        self.bytes.push(b' ');
        self.op("Tr");
    }

    /// `/Span <</ActualText <…>>> BDC`: what the glyphs up to the matching
    /// [`end_marked`](Self::end_marked) stand for.
    pub fn begin_actual_text(&mut self, text: &str) {
        self.bytes.extend_from_slice(b"/Span <</ActualText <");
        push_hex(&mut self.bytes, &utf16_text(text));
        self.bytes.extend_from_slice(b">>> ");
        self.op("BDC");
    }

    /// `/Name <</MCID n>> BDC`: what follows up to the matching `EMC` is content of
    /// the structure element that names `mcid` on this page.
    pub fn begin_tagged(&mut self, name: &str, mcid: u32) {
        self.bytes.push(b'/');
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.extend_from_slice(b" <</MCID ");
        self.bytes.extend_from_slice(mcid.to_string().as_bytes());
        self.bytes.extend_from_slice(b">> ");
        self.op("BDC");
    }

    /// `/Artifact BMC`: what follows up to the matching `EMC` is no content.
    pub fn begin_artifact(&mut self) {
        self.bytes.extend_from_slice(b"/Artifact ");
        self.op("BMC");
    }

    pub fn end_marked(&mut self) {
        self.op("EMC");
    }

    /// `[(codes)adjustment(codes)…] TJ`: two-byte glyph codes, each followed by how far
    /// to move the next one back, in thousandths of an em (rounded; none when it rounds
    /// to nothing).
    pub fn show_glyphs(&mut self, glyphs: &[(u16, f32)]) {
        if glyphs.is_empty() {
            return;
        }
        self.bytes.push(b'[');
        let mut open = false;
        for (i, &(code, adjustment)) in glyphs.iter().enumerate() {
            if !open {
                self.bytes.push(b'(');
                open = true;
            }
            for byte in code.to_be_bytes() {
                match byte {
                    b'(' | b')' | b'\\' => self.bytes.extend_from_slice(&[b'\\', byte]),
                    b'\r' => self.bytes.extend_from_slice(b"\\r"),
                    _ => self.bytes.push(byte),
                }
            }
            let adjustment = adjustment.round();
            if adjustment != 0.0 && i + 1 < glyphs.len() {
                self.bytes.push(b')');
                open = false;
                write_number(&mut self.bytes, adjustment, 0);
            }
        }
        if open {
            self.bytes.push(b')');
        }
        self.bytes.extend_from_slice(b"] ");
        self.op("TJ");
    }
}

/// Text as a PDF text string: UTF-16BE with a byte order mark.
pub fn utf16_text(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xfe, 0xff];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    bytes
}

/// Bytes as upper-case hex digits.
pub fn push_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)]);
        out.push(DIGITS[usize::from(byte & 15)]);
    }
}

/// `value` rounded to `decimals` places, written without trailing zeros (integer
/// arithmetic: formatting floats exactly is slow, and pages have thousands of numbers).
/// A value that is not finite is written as 0.
pub fn write_number(out: &mut Vec<u8>, value: f32, decimals: u32) {
    let scale = 10i64.pow(decimals);
    let scaled = if value.is_finite() {
        (f64::from(value) * scale as f64).round() as i64
    } else {
        0
    };
    if scaled < 0 {
        out.push(b'-');
    }
    let magnitude = scaled.unsigned_abs();
    let (whole, mut fraction) = (magnitude / scale as u64, magnitude % scale as u64);
    let mut digits = itoa_buffer(whole);
    out.extend_from_slice(digits.as_slice());
    if fraction != 0 {
        out.push(b'.');
        let mut places = decimals;
        while fraction % 10 == 0 {
            fraction /= 10;
            places -= 1;
        }
        digits = itoa_buffer(fraction);
        for _ in digits.len..places as usize {
            out.push(b'0');
        }
        out.extend_from_slice(digits.as_slice());
    }
}

/// The decimal digits of a number, without allocating.
struct Digits {
    buffer: [u8; 20],
    len: usize,
}

impl Digits {
    fn as_slice(&self) -> &[u8] {
        &self.buffer[20 - self.len..]
    }
}

fn itoa_buffer(mut n: u64) -> Digits {
    let mut digits = Digits {
        buffer: [0; 20],
        len: 0,
    };
    loop {
        digits.len += 1;
        digits.buffer[20 - digits.len] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return digits;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(value: f32, decimals: u32) -> String {
        let mut out = Vec::new();
        write_number(&mut out, value, decimals);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_are_rounded_and_short() {
        assert_eq!(number(753.2091, 2), "753.21");
        assert_eq!(number(-260.00064, 0), "-260");
        assert_eq!(number(0.0004, 2), "0");
        assert_eq!(number(-0.004, 2), "0");
        assert_eq!(number(110.3, 2), "110.3");
        assert_eq!(number(0.05, 2), "0.05");
        assert_eq!(number(0.0706, 4), "0.0706");
        assert_eq!(number(1e9, 2), "1000000000");
        assert_eq!(number(f32::NAN, 2), "0");
    }

    #[test]
    fn glyph_runs_join_and_drop_zero_adjustments() {
        let mut content = Content::new();
        content.show_glyphs(&[
            (5, -260.0),
            (6, 0.3),
            (0x14, -260.0006),
            (5, 0.0),
            (0x1f, 60.0),
        ]);
        assert_eq!(
            content.into_bytes(),
            b"[(\0\x05)-260(\0\x06\0\x14)-260(\0\x05\0\x1f)] TJ\n"
        );
    }

    #[test]
    fn glyph_codes_that_read_as_string_syntax_are_escaped() {
        let mut content = Content::new();
        content.show_glyphs(&[(0x2829, 0.0), (0x5c0d, 0.0), (0x0a00, 0.0)]);
        assert_eq!(content.into_bytes(), b"[(\\(\\)\\\\\\r\n\0)] TJ\n");
    }

    #[test]
    fn text_operators() {
        let mut content = Content::new();
        content.set_font("F2", 20.9);
        content.set_text_position(11037, 75321);
        content.move_line(0, -1430);
        content.set_fill_rgb([0.0706, 0.2353, 0.549]);
        content.set_rendering_mode(3);
        content.begin_actual_text("a");
        content.end_marked();
        assert_eq!(
            String::from_utf8(content.into_bytes()).unwrap(),
            "/F2 20.9 Tf\n1 0 0 1 110.37 753.21 Tm\n0 -14.3 Td\n0.0706 0.2353 0.549 rg\n3 Tr\n\
             /Span <</ActualText <FEFF0061>>> BDC\nEMC\n"
        );
    }
}
