//! The archive format `pegaso.backup/1`: a gzip stream of JSON Lines (a header naming the
//! tables and their columns, one line per row, an end line with the counts and the SHA-256 of
//! every line before it), written and read one line at a time.

use std::io::{self, BufRead, BufReader, Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::bufread::GzDecoder;
use flate2::write::GzEncoder;
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::error::Result;

/// The format this code writes and reads.
pub(crate) const FORMAT: &str = "pegaso.backup/1";

/// The longest line written or read. A row this long is refused when the backup is made (so
/// that every archive made can be restored), and a damaged archive cannot make the reader
/// hold more than this at once. Base64 makes a file a third larger: this holds files of about
/// 190 MB, far beyond what the pages take (10 MB).
pub(crate) const MAX_LINE: usize = 256 * 1024 * 1024;

/// One value of a row, as both backends give it through the Any driver.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Integer(i64),
    Float(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Integer(i) => s.serialize_i64(*i),
            Value::Float(f) if f.is_finite() => s.serialize_f64(*f),
            // JSON has no NaN or infinities: they are spelt out, so they come back as they were.
            Value::Float(f) => {
                let word = if f.is_nan() {
                    "NaN"
                } else if *f > 0.0 {
                    "inf"
                } else {
                    "-inf"
                };
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("float", word)?;
                map.end()
            }
            Value::Text(t) => s.serialize_str(t),
            Value::Blob(b) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("base64", &STANDARD.encode(b))?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("null, an integer, a number, a string, {\"base64\": …} or {\"float\": …}")
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::Integer(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Value, E> {
        i64::try_from(v)
            .map(Value::Integer)
            .map_err(|_| E::custom(format!("integer {v} out of range")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::Text(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let key: Option<String> = map.next_key()?;
        let value = match key.as_deref() {
            Some("base64") => {
                let text: String = map.next_value()?;
                Value::Blob(
                    STANDARD
                        .decode(text.as_bytes())
                        .map_err(|e| de::Error::custom(format!("base64: {e}")))?,
                )
            }
            Some("float") => {
                let word: String = map.next_value()?;
                Value::Float(match word.as_str() {
                    "NaN" => f64::NAN,
                    "inf" => f64::INFINITY,
                    "-inf" => f64::NEG_INFINITY,
                    other => return Err(de::Error::custom(format!("float {other:?}"))),
                })
            }
            other => {
                return Err(de::Error::custom(format!(
                    "value object with key {other:?}"
                )));
            }
        };
        if map.next_key::<String>()?.is_some() {
            return Err(de::Error::custom("value object with more than one key"));
        }
        Ok(value)
    }
}

/// The first line: what the archive is and which columns each table's rows give, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Header {
    pub format: String,
    pub created_at: String,
    /// `sqlite` or `postgres`: where the rows came from (for people; restore ignores it).
    pub backend: String,
    pub tables: Vec<TableHeader>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TableHeader {
    pub name: String,
    pub columns: Vec<String>,
}

/// The last line: how many rows, how many of each table (in the header's order), and the
/// SHA-256 of every byte before this line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct End {
    pub rows: u64,
    pub counts: Vec<u64>,
    pub sha256: String,
}

#[derive(Serialize)]
struct RowOut<'a> {
    t: &'a str,
    v: &'a [Value],
}

#[derive(Serialize)]
struct EndOut<'a> {
    end: &'a End,
}

/// Counts the bytes that reach the file.
struct Counter<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes an archive line by line.
pub(crate) struct Writer<W: Write> {
    out: GzEncoder<Counter<W>>,
    hash: Sha256,
    line: Vec<u8>,
    rows: u64,
    counts: Vec<u64>,
}

impl<W: Write> Writer<W> {
    pub fn new(out: W, header: &Header) -> Result<Self> {
        let counter = Counter {
            inner: out,
            bytes: 0,
        };
        let mut writer = Writer {
            // The fastest level: most of an archive is evidence files, compressed already
            // (and their base64 packs back as well at this level), so the default level takes
            // twice the time for hardly a smaller file.
            out: GzEncoder::new(counter, Compression::fast()),
            hash: Sha256::new(),
            line: Vec::new(),
            rows: 0,
            counts: vec![0; header.tables.len()],
        };
        writer.put(header, "the header")?;
        Ok(writer)
    }

    fn put(&mut self, line: &impl Serialize, what: &str) -> Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, line)?;
        self.line.push(b'\n');
        if self.line.len() > MAX_LINE {
            return Err(StoreError::Invalid(format!(
                "{what} takes {} bytes, more than an archive line may hold ({MAX_LINE})",
                self.line.len()
            )));
        }
        self.hash.update(&self.line);
        self.out.write_all(&self.line)?;
        Ok(())
    }

    /// A row of table `index` of the header, named `table`.
    pub fn row(&mut self, index: usize, table: &str, values: &[Value]) -> Result<()> {
        self.put(
            &RowOut {
                t: table,
                v: values,
            },
            &format!("a row of {table}"),
        )?;
        self.rows += 1;
        if let Some(count) = self.counts.get_mut(index) {
            *count += 1;
        }
        Ok(())
    }

    /// Writes the end line and closes the stream; returns the bytes written and the digest.
    pub fn finish(mut self) -> Result<(u64, String)> {
        let sha256 = hex::encode(self.hash.finalize_reset());
        let end = End {
            rows: self.rows,
            counts: std::mem::take(&mut self.counts),
            sha256: sha256.clone(),
        };
        self.line.clear();
        serde_json::to_writer(&mut self.line, &EndOut { end: &end })?;
        self.line.push(b'\n');
        self.out.write_all(&self.line)?;
        let mut counter = self.out.finish()?;
        counter.flush()?;
        Ok((counter.bytes, sha256))
    }
}

/// A line as read: a row or the end.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineIn {
    t: Option<String>,
    v: Option<Vec<Value>>,
    end: Option<End>,
}

/// Reads an archive line by line, checking its shape as it goes; the last row is followed by
/// the check of the end line (counts and digest) and of the end of the stream.
pub(crate) struct Reader<R: BufRead> {
    lines: BufReader<GzDecoder<R>>,
    line: Vec<u8>,
    number: u64,
    hash: Sha256,
    header: Header,
    rows: u64,
    counts: Vec<u64>,
    current: usize,
    digest: Option<String>,
}

fn damaged(what: impl std::fmt::Display) -> StoreError {
    StoreError::Damaged(what.to_string())
}

impl<R: BufRead> Reader<R> {
    /// Opens an archive and reads its header.
    pub fn open(input: R) -> Result<Self> {
        let mut reader = Reader {
            lines: BufReader::new(GzDecoder::new(input)),
            line: Vec::new(),
            number: 0,
            hash: Sha256::new(),
            header: Header {
                format: String::new(),
                created_at: String::new(),
                backend: String::new(),
                tables: Vec::new(),
            },
            rows: 0,
            counts: Vec::new(),
            current: 0,
            digest: None,
        };
        if !reader.next_line()? {
            return Err(damaged("the archive is empty"));
        }
        let value: serde_json::Value = serde_json::from_slice(&reader.line)
            .map_err(|e| damaged(format!("line 1 is not a header: {e}")))?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            Some(other) if other.starts_with("pegaso.backup/") => {
                return Err(StoreError::Incompatible(format!(
                    "the archive's format is {other}; this version reads {FORMAT}"
                )));
            }
            _ => return Err(damaged("line 1 does not name the format pegaso.backup/1")),
        }
        let header: Header = serde_json::from_value(value)
            .map_err(|e| damaged(format!("line 1 is not a header: {e}")))?;
        let mut names = std::collections::BTreeSet::new();
        for t in &header.tables {
            if !names.insert(t.name.as_str()) {
                return Err(damaged(format!("the header names table {} twice", t.name)));
            }
            let mut columns = std::collections::BTreeSet::new();
            if t.columns.is_empty() || !t.columns.iter().all(|c| columns.insert(c.as_str())) {
                return Err(damaged(format!(
                    "the header gives table {} no columns or a column twice",
                    t.name
                )));
            }
        }
        reader.hash.update(&reader.line);
        reader.counts = vec![0; header.tables.len()];
        reader.header = header;
        Ok(reader)
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Reads the next line into `self.line`; false at the end of the stream.
    fn next_line(&mut self) -> Result<bool> {
        self.line.clear();
        let limit = u64::try_from(MAX_LINE).unwrap_or(u64::MAX);
        let n = (&mut self.lines)
            .take(limit)
            .read_until(b'\n', &mut self.line)
            .map_err(|e| damaged(format!("reading line {}: {e}", self.number + 1)))?;
        if n == 0 {
            return Ok(false);
        }
        self.number += 1;
        if self.line.last() != Some(&b'\n') {
            return Err(damaged(if n >= MAX_LINE {
                format!("line {} is longer than {MAX_LINE} bytes", self.number)
            } else {
                format!("the archive stops in the middle of line {}", self.number)
            }));
        }
        Ok(true)
    }

    /// The next row: the index of its table in the header and its values. `None` once the
    /// end line has been read and found to match everything before it.
    pub fn next_row(&mut self) -> Result<Option<(usize, Vec<Value>)>> {
        if self.digest.is_some() {
            return Ok(None);
        }
        if !self.next_line()? {
            return Err(damaged(format!(
                "the archive stops after line {} without its end line",
                self.number
            )));
        }
        let n = self.number;
        let line: LineIn = serde_json::from_slice(&self.line)
            .map_err(|e| damaged(format!("line {n} is not a row: {e}")))?;
        match line {
            LineIn {
                t: Some(t),
                v: Some(values),
                end: None,
            } => {
                let Some(index) = self.header.tables.iter().position(|h| h.name == t) else {
                    return Err(damaged(format!("line {n}: table {t} is not in the header")));
                };
                // Each table's rows come together, in the header's order: that is the order
                // restore inserts them in, parents before children.
                if index < self.current {
                    return Err(damaged(format!("line {n}: a row of {t} out of order")));
                }
                self.current = index;
                if values.len() != self.header.tables[index].columns.len() {
                    return Err(damaged(format!(
                        "line {n}: {} values for the {} columns of {t}",
                        values.len(),
                        self.header.tables[index].columns.len()
                    )));
                }
                self.hash.update(&self.line);
                self.rows += 1;
                self.counts[index] += 1;
                Ok(Some((index, values)))
            }
            LineIn {
                t: None,
                v: None,
                end: Some(end),
            } => {
                let sha256 = hex::encode(self.hash.finalize_reset());
                if end.rows != self.rows || end.counts != self.counts {
                    return Err(damaged(format!(
                        "the end line counts {} rows, the archive has {}",
                        end.rows, self.rows
                    )));
                }
                if end.sha256 != sha256 {
                    return Err(damaged("the checksum does not match the content"));
                }
                if self.next_line()? {
                    return Err(damaged(format!(
                        "line {} follows the end line",
                        self.number
                    )));
                }
                // Nothing may follow the compressed stream either.
                let rest = self
                    .lines
                    .get_mut()
                    .get_mut()
                    .fill_buf()
                    .map_err(|e| damaged(format!("after the end: {e}")))?;
                if !rest.is_empty() {
                    return Err(damaged("bytes follow the end of the compressed stream"));
                }
                self.digest = Some(sha256);
                Ok(None)
            }
            _ => Err(damaged(format!("line {n} is neither a row nor the end"))),
        }
    }

    /// The SHA-256 of the content, once the end has been read.
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// Rows of each table so far, in the header's order.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }
}
