//! The JSON text itself: whitespace, literals, strings with their escapes, numbers, and skipping
//! a value, for [`Reader`].

use std::borrow::Cow;

use super::{MAX_DEPTH, Reader, Stop};

/// The value of a number with a fraction or exponent (or too large for 64 bits), close enough:
/// no format field takes one, and only messages show it.
#[cold]
#[inline(never)]
fn approximate(text: &str) -> f64 {
    let (mantissa, exponent) = text.split_once(['e', 'E']).unwrap_or((text, "0"));
    let mut value = 0.0f64;
    let mut scale = 0i32;
    let mut fraction = false;
    for c in mantissa.chars() {
        match c {
            '0'..='9' => {
                value = value * 10.0 + f64::from(u32::from(c) - u32::from('0'));
                scale -= i32::from(fraction);
            }
            '.' => fraction = true,
            _ => {}
        }
    }
    let exponent: i32 = exponent.parse().unwrap_or(if exponent.starts_with('-') { -400 } else { 400 });
    let value = value * 10f64.powi(scale.saturating_add(exponent).clamp(-400, 400));
    if mantissa.starts_with('-') { -value } else { value }
}

/// A value's first token: a scalar read whole, or the opening of an object or array.
pub(super) enum Token<'de> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Negative(i64),
    Float(f64),
    Str(Cow<'de, str>),
    Object,
    Array,
}

impl<'de> Reader<'de> {
    #[inline(always)]
    pub(super) fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    #[inline(always)]
    pub(super) fn ws(&mut self) {
        while matches!(self.byte(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    pub(super) fn eat(&mut self, byte: u8, what: &str) -> Result<(), Stop> {
        self.ws();
        if self.byte() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else if self.byte().is_none() {
            Err(self.syntax("the text ends early"))
        } else {
            Err(self.syntax(what))
        }
    }

    pub(super) fn literal(&mut self, word: &str, token: Token<'de>) -> Result<Token<'de>, Stop> {
        if self.text.get(self.pos..).is_some_and(|rest| rest.starts_with(word)) {
            self.pos += word.len();
            Ok(token)
        } else {
            Err(self.syntax("expected a value"))
        }
    }

    pub(super) fn token(&mut self) -> Result<Token<'de>, Stop> {
        self.ws();
        match self.byte() {
            None => Err(self.syntax("the text ends early")),
            Some(b'n') => self.literal("null", Token::Null),
            Some(b't') => self.literal("true", Token::Bool(true)),
            Some(b'f') => self.literal("false", Token::Bool(false)),
            Some(b'"') => {
                self.pos += 1;
                self.string().map(Token::Str)
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(open @ (b'{' | b'[')) => {
                if self.path.len() >= MAX_DEPTH {
                    return Err(self.syntax("arrays and objects nest too deep"));
                }
                self.pos += 1;
                Ok(if open == b'{' { Token::Object } else { Token::Array })
            }
            Some(_) => Err(self.syntax("expected a value")),
        }
    }

    /// A string, after its opening quote: borrowed from the text unless it has escapes.
    pub(super) fn string(&mut self) -> Result<Cow<'de, str>, Stop> {
        let start = self.pos;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            match self.byte() {
                None => return Err(self.syntax("the text ends inside a string")),
                Some(b'"') => {
                    let tail = self.text.get(run..self.pos).unwrap_or_default();
                    self.pos += 1;
                    return Ok(match owned {
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(tail),
                    });
                }
                Some(b'\\') => {
                    let mut s = owned.take().unwrap_or_default();
                    s.push_str(self.text.get(run..self.pos).unwrap_or_default());
                    self.pos += 1;
                    s.push(self.escape()?);
                    owned = Some(s);
                    run = self.pos;
                }
                Some(0..0x20) => return Err(self.syntax("a control character in a string")),
                Some(_) => {
                    // The plain run up to the next quote, backslash or control character.
                    let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
                    self.pos +=
                        rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(rest.len());
                }
            }
        }
    }

    /// One escape, after its backslash.
    fn escape(&mut self) -> Result<char, Stop> {
        let c = self.byte();
        self.pos += 1;
        Ok(match c {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&high) {
                    if self.text.get(self.pos..).is_some_and(|r| r.starts_with("\\u")) {
                        self.pos += 2;
                    } else {
                        return Err(self.syntax("a lone surrogate in a string"));
                    }
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.syntax("a lone surrogate in a string"));
                    }
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    high
                };
                return char::from_u32(code).ok_or_else(|| self.syntax("a lone surrogate in a string"));
            }
            _ => return Err(self.syntax("an invalid escape in a string")),
        })
    }

    fn hex4(&mut self) -> Result<u32, Stop> {
        let digits =
            self.text.get(self.pos..self.pos + 4).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        let value = digits.and_then(|d| u32::from_str_radix(d, 16).ok());
        self.pos += 4;
        value.ok_or_else(|| self.syntax("an invalid \\u escape in a string"))
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.byte(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Token<'de>, Stop> {
        let start = self.pos;
        let negative = self.byte() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let first = self.byte();
        let int_digits = self.digits();
        if int_digits == 0 || (first == Some(b'0') && int_digits > 1) {
            return Err(self.syntax("an invalid number"));
        }
        let mut integer = true;
        if self.byte() == Some(b'.') {
            self.pos += 1;
            integer = false;
            if self.digits() == 0 {
                return Err(self.syntax("an invalid number"));
            }
        }
        if matches!(self.byte(), Some(b'e' | b'E')) {
            self.pos += 1;
            integer = false;
            if matches!(self.byte(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.syntax("an invalid number"));
            }
        }
        let text = self.text.get(start..self.pos).unwrap_or_default();
        if integer {
            if let Ok(n) = text.parse::<u64>() {
                return Ok(Token::Unsigned(n));
            }
            if let Ok(n) = text.parse::<i64>() {
                return Ok(Token::Negative(n));
            }
        }
        Ok(Token::Float(approximate(text)))
    }

    /// Skips a value (an unknown field's, or one nobody reads).
    pub(super) fn skip(&mut self) -> Result<(), Stop> {
        self.skip_nested(0)
    }

    fn skip_nested(&mut self, depth: usize) -> Result<(), Stop> {
        let (close, object) = match self.token()? {
            Token::Object => (b'}', true),
            Token::Array => (b']', false),
            _ => return Ok(()),
        };
        if self.path.len() + depth >= MAX_DEPTH {
            return Err(self.syntax("arrays and objects nest too deep"));
        }
        self.ws();
        if self.byte() == Some(close) {
            self.pos += 1;
            return Ok(());
        }
        let mut keys = Vec::new();
        loop {
            if object {
                self.eat(b'"', "expected a string key")?;
                let key = self.string()?;
                if !self.strict {
                    self.repeated(&mut keys, key);
                }
                self.eat(b':', "expected `:`")?;
            }
            self.skip_nested(depth + 1)?;
            self.ws();
            match self.byte() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(());
                }
                None => return Err(self.syntax("the text ends early")),
                Some(_) => return Err(self.syntax("expected `,` or the end of an array or object")),
            }
        }
    }
}
