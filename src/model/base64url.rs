//! Base64url without padding (RFC 4648 §5): how keys, secrets, signatures and the parts of signed
//! tokens are written. Decoding is strict: only the 64 characters of the alphabet, no padding, no
//! length that no byte string encodes to, and the unused low bits of the last character zero (so
//! every byte string has exactly one encoding). This is what the `base64` crate's
//! `URL_SAFE_NO_PAD` engine accepts; its general engine is several kilobytes of the shipped
//! module, this is a few hundred bytes.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The character of the low six bits of `bits`.
fn char_of(bits: u32) -> char {
    ALPHABET.get((bits & 63) as usize).map_or('A', |&b| char::from(b))
}

/// The six bits a character stands for.
fn bits_of(c: u8) -> Option<u32> {
    let value = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

/// `bytes`, encoded.
#[inline]
pub(crate) fn encode(bytes: impl AsRef<[u8]>) -> String {
    encode_bytes(bytes.as_ref())
}

fn encode_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        // One character per six bits the chunk has: 2, 3 or 4.
        for i in 0..=chunk.len() {
            out.push(char_of(group >> (18 - 6 * i)));
        }
    }
    out
}

/// The bytes `text` encodes; `None` when it is not a strict encoding.
#[inline]
pub(crate) fn decode(text: impl AsRef<[u8]>) -> Option<Vec<u8>> {
    decode_bytes(text.as_ref())
}

fn decode_bytes(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.chunks(4) {
        let mut group = 0u32;
        for &c in chunk {
            group = group << 6 | bits_of(c)?;
        }
        // The bits past the last whole byte must be zero: 4 of 12, 2 of 18, none of 24.
        let (count, spare) = match chunk.len() {
            4 => (3, 0),
            3 => (2, 2),
            2 => (1, 4),
            _ => return None,
        };
        if group & ((1 << spare) - 1) != 0 {
            return None;
        }
        let group = group >> spare;
        for i in (0..count).rev() {
            out.push((group >> (8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use proptest::prelude::*;

    use super::{decode, encode};

    #[test]
    fn known_encodings() {
        for (bytes, text) in [
            (&b""[..], ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
            (&[0xfb, 0xff, 0xbf], "-_-_"),
        ] {
            assert_eq!(encode(bytes), text);
            assert_eq!(decode(text).as_deref(), Some(bytes));
        }
        for bad in ["Z", "Zg=", "Zg==", "Zh", "Zm9", "Zm+v", "Zm/v", "Zm9v Yg", "Zm9v\n", "é"] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn encoding_is_the_base64_crates(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let text = encode(&bytes);
            prop_assert_eq!(&text, &URL_SAFE_NO_PAD.encode(&bytes));
            prop_assert_eq!(decode(&text), Some(bytes));
        }

        #[test]
        fn decoding_accepts_what_the_base64_crate_accepts(text in "[A-Za-z0-9_=+/ -]{0,24}") {
            prop_assert_eq!(decode(&text), URL_SAFE_NO_PAD.decode(&text).ok());
        }

        #[test]
        fn decoding_the_alphabet_agrees(text in "[A-Za-z0-9_-]{0,24}") {
            prop_assert_eq!(decode(&text), URL_SAFE_NO_PAD.decode(&text).ok());
        }

        #[test]
        fn decoding_any_bytes_agrees(text in proptest::collection::vec(any::<u8>(), 0..24)) {
            prop_assert_eq!(decode(&text), URL_SAFE_NO_PAD.decode(&text).ok());
        }
    }
}
