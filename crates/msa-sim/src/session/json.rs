//! A small, strict JSON reader for the JWT inspector: it checks that a text is one JSON value (RFC 8259) and, when
//! that value is an object, hands back its top-level members with the few value kinds the inspector reads
//! (strings and integers). Nested values are checked and skipped. A general JSON library would cost the page
//! several times its size in wasm for the five members a token's header and payload are read for.

/// Where a text stops being JSON, or where a member is not what it should be: 1-based line and column
/// (in characters) of the offending character, or of the last character when the text ends too soon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    pub line: usize,
    pub column: usize,
}

/// What a top-level member holds, as far as the inspector cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Str(String),
    /// A number written without fraction or exponent that fits in an i64.
    Int(i64),
    Null,
    /// Anything else: true, false, another number, an array, an object.
    Other,
}

/// One top-level member: its name, its value, and where the value ends (for messages about it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub value: Value,
    pub end: At,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    Object(Vec<Member>),
    /// Valid JSON, but not an object.
    NotObject,
}

/// Deeper nesting is refused: the reader recurses once a level.
const MAX_DEPTH: usize = 64;

struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    /// The position of byte `i` (clamped to the last character) as line and column.
    fn at(&self, i: usize) -> At {
        let i = i.min(self.b.len().saturating_sub(1));
        let line_start = self.b[..i].iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
        let line = 1 + self.b[..line_start].iter().filter(|&&c| c == b'\n').count();
        let end = (i + 1..=self.b.len()).find(|&e| self.text.is_char_boundary(e)).unwrap_or(self.b.len());
        At { line, column: self.text[line_start..end].chars().count() }
    }

    fn fail<T>(&self) -> Result<T, At> {
        Err(self.at(self.i))
    }

    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Result<(), At> {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            self.fail()
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, At> {
        if depth > MAX_DEPTH {
            return self.fail();
        }
        self.ws();
        match self.b.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Value::Other);
                }
                loop {
                    self.ws();
                    self.string()?;
                    self.ws();
                    self.eat(b':')?;
                    self.value(depth + 1)?;
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Value::Other);
                        }
                        _ => return self.fail(),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Value::Other);
                }
                loop {
                    self.value(depth + 1)?;
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Value::Other);
                        }
                        _ => return self.fail(),
                    }
                }
            }
            Some(b'"') => self.string().map(Value::Str),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.word("true", Value::Other),
            Some(b'f') => self.word("false", Value::Other),
            Some(b'n') => self.word("null", Value::Null),
            _ => self.fail(),
        }
    }

    fn word(&mut self, w: &str, v: Value) -> Result<Value, At> {
        for &c in w.as_bytes() {
            self.eat(c)?;
        }
        Ok(v)
    }

    fn digits(&mut self) -> Result<(), At> {
        if !matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
            return self.fail();
        }
        while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        Ok(())
    }

    fn number(&mut self) -> Result<Value, At> {
        let start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        if self.b.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else {
            self.digits()?;
        }
        let mut integer = true;
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            self.digits()?;
            integer = false;
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            self.digits()?;
            integer = false;
        }
        let text = &self.text[start..self.i];
        // "-0" is a float's negative zero to JSON parsers (serde_json too), not an integer.
        Ok(match text.parse::<i64>() {
            Ok(n) if integer && text != "-0" => Value::Int(n),
            _ => Value::Other,
        })
    }

    fn hex4(&mut self) -> Result<u32, At> {
        let mut n = 0;
        for _ in 0..4 {
            let d = match self.b.get(self.i) {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return self.fail(),
            };
            n = n * 16 + d as u32;
            self.i += 1;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, At> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let run = self.i;
            while let Some(&c) = self.b.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // The text is a &str and the run stops at ASCII bytes only: it is whole characters.
            out.push_str(&self.text[run..self.i]);
            match self.b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = match self.b.get(self.i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.i += 1;
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                // A high surrogate must be followed by an escaped low one.
                                self.eat(b'\\')?;
                                self.eat(b'u')?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    self.i -= 1;
                                    return self.fail();
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            match char::from_u32(code) {
                                Some(c) => {
                                    out.push(c);
                                    continue;
                                }
                                None => {
                                    self.i -= 1;
                                    return self.fail();
                                }
                            }
                        }
                        _ => return self.fail(),
                    };
                    out.push(c);
                    self.i += 1;
                }
                // A raw control character, or the end of the text inside a string.
                _ => return self.fail(),
            }
        }
    }

    /// The top-level object's members, each value read by `value`.
    fn top(&mut self) -> Result<Parsed, At> {
        self.ws();
        if self.b.get(self.i) != Some(&b'{') {
            self.value(0)?;
            return self.end(Parsed::NotObject);
        }
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return self.end(Parsed::Object(members));
        }
        loop {
            self.ws();
            let name = self.string()?;
            self.ws();
            self.eat(b':')?;
            let value = self.value(1)?;
            let end = self.at(self.i - 1);
            members.push(Member { name, value, end });
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return self.end(Parsed::Object(members));
                }
                _ => return self.fail(),
            }
        }
    }

    /// Only whitespace may follow the value.
    fn end(&mut self, p: Parsed) -> Result<Parsed, At> {
        self.ws();
        if self.i < self.b.len() {
            return self.fail();
        }
        Ok(p)
    }
}

/// Reads `text` as one JSON value; `Err` gives where it stops being JSON.
pub fn parse(text: &str) -> Result<Parsed, At> {
    Reader { text, b: text.as_bytes(), i: 0 }.top()
}
