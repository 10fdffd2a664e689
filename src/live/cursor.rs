//! Event cursors: a subscription's [`Position`], opaque to clients.
//!
//! Two forms, base64url without padding:
//!
//! - `ev1:<id>` (the id in decimal): every event up to `id`. The only form issued before
//!   positions, and still the form of a position without a bitmap.
//! - `ev2:` followed by the base (8 bytes, big-endian) and the position's bitmap of the ids
//!   above it (1 to 32 bytes, no trailing zero byte): every event up to the base, and those
//!   the bitmap sets.
//!
//! A cursor is at most [`MAX_LEN`] characters, and is accepted only in the form it is issued
//! in, so every position has exactly one cursor.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{AppError, AppResult};
use crate::events::position::{Position, WINDOW};

/// The longest cursor: `ev2:`, the base and a full bitmap.
pub const MAX_LEN: usize = ((4 + 8 + WINDOW as usize / 8) * 4).div_ceil(3);

/// The cursor of `position`.
pub fn encode(position: &Position) -> String {
    let bitmap = position.bitmap();
    if bitmap.is_empty() {
        return URL_SAFE_NO_PAD.encode(format!("ev1:{}", position.base()));
    }
    let mut bytes = Vec::with_capacity(4 + 8 + bitmap.len());
    bytes.extend_from_slice(b"ev2:");
    bytes.extend_from_slice(&position.base().to_be_bytes());
    bytes.extend_from_slice(&bitmap);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The position a cursor stands for; `BAD_USER_INPUT` for anything [`encode`] does not
/// issue.
pub fn decode(cursor: &str) -> AppResult<Position> {
    let invalid = || AppError::bad_input("`after` is not a valid event cursor");
    if cursor.len() > MAX_LEN {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let position = if let Some(id) = bytes.strip_prefix(b"ev1:") {
        std::str::from_utf8(id)
            .ok()
            .and_then(|id| id.parse::<i64>().ok())
            .filter(|id| *id >= 0)
            .map(Position::after)
    } else if let Some(rest) = bytes.strip_prefix(b"ev2:") {
        rest.split_first_chunk::<8>()
            .map(|(base, bitmap)| (i64::from_be_bytes(*base), bitmap))
            .filter(|(base, _)| *base >= 0)
            .and_then(|(base, bitmap)| Position::from_bitmap(base, bitmap))
    } else {
        None
    };
    position
        .filter(|position| encode(position) == cursor)
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn positions_round_trip_through_their_one_cursor() {
        let mut position = Position::after(41);
        assert_eq!(decode(&encode(&position)).unwrap(), position);
        // The form cursors had before positions: still accepted, still issued.
        assert_eq!(encode(&position), URL_SAFE_NO_PAD.encode("ev1:41"));
        for id in [43, 50, 41 + WINDOW, 2 * WINDOW] {
            position.insert(id);
            assert_eq!(decode(&encode(&position)).unwrap(), position);
        }
        let mut full = Position::after(i64::MAX - WINDOW - 1);
        full.insert(i64::MAX);
        let cursor = encode(&full);
        assert_eq!(cursor.len(), MAX_LEN);
        assert_eq!(decode(&cursor).unwrap(), full);
    }

    #[test]
    fn anything_not_issued_is_refused() {
        let ev2 = |base: i64, bitmap: &[u8]| {
            let mut bytes = b"ev2:".to_vec();
            bytes.extend_from_slice(&base.to_be_bytes());
            bytes.extend_from_slice(bitmap);
            URL_SAFE_NO_PAD.encode(bytes)
        };
        let mut sparse = Position::after(100);
        sparse.insert(102);
        assert_eq!(encode(&sparse), ev2(100, &[0b10]));
        let refused = [
            String::new(),
            "not a cursor".to_owned(),
            URL_SAFE_NO_PAD.encode("ev1:-1"),
            URL_SAFE_NO_PAD.encode("ev1:+5"),
            URL_SAFE_NO_PAD.encode("ev1:007"),
            URL_SAFE_NO_PAD.encode("ev1:9223372036854775808"),
            URL_SAFE_NO_PAD.encode("ev3:5"),
            // Padded, or in the standard alphabet.
            format!("{}=", URL_SAFE_NO_PAD.encode("ev1:5")),
            // Another form of a position that has its own cursor.
            ev2(100, &[]),
            ev2(100, &[0b10, 0]),
            ev2(100, &[0b11]),
            // A negative base, a base too close to the end of the ids, a short base.
            ev2(-1, &[0b10]),
            ev2(i64::MAX - 3, &[0b1000]),
            URL_SAFE_NO_PAD.encode(b"ev2:\x00\x01"),
            // A bitmap longer than the window.
            ev2(100, &[0xfe; 33]),
            "A".repeat(MAX_LEN + 1),
        ];
        for cursor in refused {
            let err = decode(&cursor).expect_err(&cursor);
            assert_eq!(err.code(), ErrorCode::BadUserInput, "{cursor}");
        }
    }
}
