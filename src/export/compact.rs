//! Compact page content: printpdf writes every glyph as a string of its own and positions
//! with all the digits an `f32` has (`-260.00064`). This pass rewrites a page's content
//! stream with text positions rounded to a hundredth of a point, the adjustments between
//! glyphs (`TJ`) to whole thousandths of an em (0.01 pt at 11 pt: far below what a printer
//! resolves), neighbouring glyph strings joined, and single spaces between tokens. Every
//! other operator and operand is copied as it is, so drawings, colours and marked content
//! are untouched.

use std::borrow::Cow;

/// A token of a content stream.
#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    Number(&'a [u8]),
    /// A hex string's digits (between `<` and `>`).
    Hex(Cow<'a, [u8]>),
    /// Anything copied as it is: names, literal strings, dictionaries, keywords in arrays.
    Verbatim(&'a [u8]),
    Array(Vec<Token<'a>>),
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Reads content tokens; `None` at the end (or at a byte sequence it does not know, after
/// which the caller keeps the stream as it was).
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// What the reader found next.
enum Next<'a> {
    Operand(Token<'a>),
    Operator(&'a [u8]),
    ArrayEnd,
    End,
}

impl<'a> Reader<'a> {
    fn skip_white(&mut self) {
        while self.at < self.bytes.len() {
            match self.bytes[self.at] {
                b if is_white(b) => self.at += 1,
                b'%' => {
                    while self.at < self.bytes.len()
                        && !matches!(self.bytes[self.at], b'\n' | b'\r')
                    {
                        self.at += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn regular(&mut self) -> &'a [u8] {
        let start = self.at;
        while self.at < self.bytes.len()
            && !is_white(self.bytes[self.at])
            && !is_delimiter(self.bytes[self.at])
        {
            self.at += 1;
        }
        &self.bytes[start..self.at]
    }

    fn next(&mut self) -> Option<Next<'a>> {
        self.skip_white();
        let Some(&b) = self.bytes.get(self.at) else {
            return Some(Next::End);
        };
        let start = self.at;
        Some(match b {
            b'/' => {
                self.at += 1;
                self.regular();
                Next::Operand(Token::Verbatim(&self.bytes[start..self.at]))
            }
            b'(' => {
                let mut depth = 0usize;
                loop {
                    let c = *self.bytes.get(self.at)?;
                    self.at += 1;
                    match c {
                        b'\\' => self.at += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                Next::Operand(Token::Verbatim(&self.bytes[start..self.at]))
            }
            b'<' if self.bytes.get(self.at + 1) == Some(&b'<') => {
                // A dictionary (marked-content properties): copied whole.
                let mut depth = 0usize;
                loop {
                    match self.bytes.get(self.at..self.at + 2)? {
                        b"<<" => {
                            depth += 1;
                            self.at += 2;
                        }
                        b">>" => {
                            depth -= 1;
                            self.at += 2;
                            if depth == 0 {
                                break;
                            }
                        }
                        [b'(', _] => {
                            // A string inside: skip it with its own rules.
                            let mut inner = Reader {
                                bytes: self.bytes,
                                at: self.at,
                            };
                            inner.next()?;
                            self.at = inner.at;
                        }
                        _ => self.at += 1,
                    }
                }
                Next::Operand(Token::Verbatim(&self.bytes[start..self.at]))
            }
            b'<' => {
                let end = start + self.bytes[start..].iter().position(|&c| c == b'>')?;
                self.at = end + 1;
                Next::Operand(Token::Hex(Cow::Borrowed(&self.bytes[start + 1..end])))
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        Next::Operand(token) => items.push(token),
                        // A keyword inside an array (`true`, `null`): an operand too.
                        Next::Operator(word) => items.push(Token::Verbatim(word)),
                        Next::ArrayEnd => break,
                        Next::End => return None,
                    }
                }
                Next::Operand(Token::Array(items))
            }
            b']' => {
                self.at += 1;
                Next::ArrayEnd
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => Next::Operand(Token::Number(self.regular())),
            _ if is_delimiter(b) => return None,
            _ => Next::Operator(self.regular()),
        })
    }
}

/// `number` rounded to `decimals` places, written without trailing zeros (integer
/// arithmetic: formatting floats exactly is slow, and pages have thousands of numbers).
fn rounded(number: &[u8], decimals: u32, out: &mut Vec<u8>) {
    let Some(value) = std::str::from_utf8(number)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
    else {
        out.extend_from_slice(number);
        return;
    };
    let scale = 10i64.pow(decimals);
    let scaled = (value * scale as f64).round() as i64;
    if scaled < 0 {
        out.push(b'-');
    }
    let (whole, mut fraction) = (
        scaled.unsigned_abs() / scale as u64,
        scaled.unsigned_abs() % scale as u64,
    );
    out.extend_from_slice(whole.to_string().as_bytes());
    if fraction != 0 {
        out.push(b'.');
        let mut digits = decimals;
        while fraction % 10 == 0 {
            fraction /= 10;
            digits -= 1;
        }
        out.extend_from_slice(format!("{fraction:0width$}", width = digits as usize).as_bytes());
    }
}

/// Writes a token, numbers rounded to `decimals` places when given.
fn write_token(token: &Token<'_>, decimals: Option<u32>, out: &mut Vec<u8>) {
    match token {
        Token::Number(n) => match decimals {
            Some(d) => rounded(n, d, out),
            None => out.extend_from_slice(n),
        },
        Token::Hex(digits) => {
            out.push(b'<');
            out.extend_from_slice(digits);
            out.push(b'>');
        }
        Token::Verbatim(bytes) => out.extend_from_slice(bytes),
        Token::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 && !matches!(item, Token::Hex(_)) && !matches!(items[i - 1], Token::Hex(_))
                {
                    out.push(b' ');
                }
                write_token(item, decimals, out);
            }
            out.push(b']');
        }
    }
}

/// A `TJ` array with neighbouring glyph strings joined and adjustments that round to
/// nothing dropped.
fn joined<'a>(items: &[Token<'a>]) -> Vec<Token<'a>> {
    let mut out: Vec<Token<'a>> = Vec::with_capacity(items.len());
    for item in items {
        if let Token::Number(n) = item {
            let value = std::str::from_utf8(n)
                .ok()
                .and_then(|s| s.parse::<f64>().ok());
            if value.is_some_and(|v| v.round() == 0.0) {
                continue;
            }
        }
        match (out.last_mut(), item) {
            (Some(Token::Hex(before)), Token::Hex(digits)) => {
                before.to_mut().extend_from_slice(digits)
            }
            _ => out.push(item.clone()),
        }
    }
    out
}

/// The content stream `bytes` rewritten compactly, or `None` if it holds something this
/// pass does not read (then the stream stays as it is).
pub fn compact_content(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = Reader { bytes, at: 0 };
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    let mut operands: Vec<Token<'_>> = Vec::new();
    loop {
        match reader.next()? {
            Next::Operand(token) => operands.push(token),
            Next::Operator(op) => {
                let decimals = match op {
                    b"Tm" | b"Td" | b"TD" => Some(2),
                    _ => None,
                };
                for (i, operand) in operands.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    match (op, operand) {
                        (b"TJ", Token::Array(items)) => {
                            write_token(&Token::Array(joined(items)), Some(0), &mut out)
                        }
                        _ => write_token(operand, decimals, &mut out),
                    }
                }
                if !operands.is_empty() {
                    out.push(b' ');
                }
                out.extend_from_slice(op);
                out.push(b'\n');
                operands.clear();
            }
            Next::ArrayEnd => return None,
            Next::End => break,
        }
    }
    operands.is_empty().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(text: &str) -> String {
        String::from_utf8(compact_content(text.as_bytes()).expect("reads")).unwrap()
    }

    #[test]
    fn text_positions_round_and_glyph_strings_join() {
        let content = "BT\n/F2 20.9 Tf\n1 0 0 1 110.37382 753.2091 Tm\n\
                       [<0005> -260<0006><0014> -260.00064<0005> 0.0004<001f> 60<001d>] TJ\nET";
        assert_eq!(
            compact(content),
            "BT\n/F2 20.9 Tf\n1 0 0 1 110.37 753.21 Tm\n\
             [<0005>-260<00060014>-260<0005001f>60<001d>] TJ\nET\n"
        );
    }

    #[test]
    fn other_operators_and_strings_are_copied() {
        let content = "0.0123 0 0 0.0123 5.5 6.25 cm\n/Span <</ActualText (a\\)b [c] <d>)>> BDC\n\
                       (x y) Tj\nEMC\n0.0706 0.2353 0.549 rg";
        assert_eq!(
            compact(content),
            "0.0123 0 0 0.0123 5.5 6.25 cm\n/Span <</ActualText (a\\)b [c] <d>)>> BDC\n\
             (x y) Tj\nEMC\n0.0706 0.2353 0.549 rg\n"
        );
    }

    #[test]
    fn unreadable_streams_are_left_alone() {
        assert!(compact_content(b"[<00> 1 TJ").is_none());
        assert!(compact_content(b"(unclosed Tj").is_none());
        assert!(compact_content(b"1 2").is_none());
    }
}
