//! Where a reader of the outbox stands: which event ids it has handled.
//!
//! Ids are taken in one order and committed in another, so "everything up to id N" cannot say
//! where a reader stands: an event with a lower id can arrive after N. A [`Position`] is every
//! id up to a base, and a bitmap of the [`WINDOW`] ids above it. It is the hub's record of what
//! it broadcast, a subscriber's of what it was given, and what an event cursor encodes.
//!
//! The window is the hub's look-back ([`super::hub::LOOKBACK`]): the hub never delivers an id
//! that far below the newest it delivered, so when a newer id pushes the base up, the ids that
//! fall below it count as handled — they will not come any more.

use super::hub::LOOKBACK;

/// How many ids above the base a position tells apart.
pub const WINDOW: i64 = LOOKBACK;
/// The words of the bitmap.
const WORDS: usize = (WINDOW / 64) as usize;
const _: () = assert!(WINDOW % 64 == 0 && WINDOW > 0);

/// The ids a reader has handled: every id up to [`Position::base`], and those of the next
/// [`WINDOW`] ids whose bit is set.
///
/// The representation is canonical: the id just above the base is never set (the base moves
/// up instead), so two positions handling the same ids are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    base: i64,
    /// Bit `i` (bit `i % 64` of word `i / 64`) stands for id `base + 1 + i`.
    bits: [u64; WORDS],
}

impl Position {
    /// Every id up to `id`, and nothing above it.
    pub fn after(id: i64) -> Self {
        Self {
            base: id,
            bits: [0; WORDS],
        }
    }

    /// The position with base `base` and, above it, the ids whose bits are set in `bytes`
    /// (bit `i % 8` of byte `i / 8` for id `base + 1 + i`, at most [`WINDOW`] bits). None when
    /// `bytes` is longer or sets an id past `i64::MAX`.
    pub fn from_bitmap(base: i64, bytes: &[u8]) -> Option<Self> {
        if bytes.len() > (WINDOW / 8) as usize {
            return None;
        }
        let mut position = Self::after(base);
        for (i, byte) in bytes.iter().enumerate() {
            for bit in 0..8 {
                if byte & (1 << bit) != 0 {
                    let id = base.checked_add(1 + (i * 8 + bit) as i64)?;
                    position.insert(id);
                }
            }
        }
        Some(position)
    }

    /// The bitmap of the ids handled above the base, as [`Position::from_bitmap`] reads it,
    /// without trailing zero bytes (empty when only ids up to the base are handled).
    pub fn bitmap(&self) -> Vec<u8> {
        let mut bytes: Vec<u8> = self.bits.iter().flat_map(|w| w.to_le_bytes()).collect();
        while bytes.last() == Some(&0) {
            bytes.pop();
        }
        bytes
    }

    /// Every id up to this one is handled, and the next one is not.
    pub fn base(&self) -> i64 {
        self.base
    }

    /// The highest id handled.
    pub fn newest(&self) -> i64 {
        (0..WORDS)
            .rev()
            .find(|&w| self.bits[w] != 0)
            .map_or(self.base, |w| {
                let bit = 63 - self.bits[w].leading_zeros() as i64;
                self.base + 1 + w as i64 * 64 + bit
            })
    }

    /// Whether `id` is handled.
    pub fn contains(&self, id: i64) -> bool {
        if id <= self.base {
            return true;
        }
        let offset = id - self.base - 1;
        offset < WINDOW && self.bits[(offset / 64) as usize] & (1 << (offset % 64)) != 0
    }

    /// Records `id` as handled; false when it already was. An id more than [`WINDOW`] above
    /// the base moves the base up to [`WINDOW`] below it (see the module documentation).
    pub fn insert(&mut self, id: i64) -> bool {
        if self.contains(id) {
            return false;
        }
        let above = id - self.base;
        if above > WINDOW {
            self.shift(above - WINDOW);
        }
        let offset = id - self.base - 1;
        self.bits[(offset / 64) as usize] |= 1 << (offset % 64);
        // Canonical: the base follows the run of handled ids just above it.
        let run = self
            .bits
            .iter()
            .position(|w| *w != u64::MAX)
            .map_or(WINDOW, |w| {
                w as i64 * 64 + i64::from(self.bits[w].trailing_ones())
            });
        self.shift(run);
        true
    }

    /// The lowest id above `id` that is not handled.
    pub fn first_missing_after(&self, id: i64) -> i64 {
        let mut candidate = id.max(self.base).saturating_add(1);
        while self.contains(candidate) && candidate < i64::MAX {
            candidate += 1;
        }
        candidate
    }

    /// Moves the base up by `by`, keeping the bits of the ids still above it.
    fn shift(&mut self, by: i64) {
        if by <= 0 {
            return;
        }
        self.base += by;
        if by >= WINDOW {
            self.bits = [0; WORDS];
            return;
        }
        let (words, bits) = ((by / 64) as usize, (by % 64) as u32);
        let mut shifted = [0; WORDS];
        for (i, slot) in shifted.iter_mut().enumerate() {
            let low = self.bits.get(i + words).copied().unwrap_or(0);
            let high = self.bits.get(i + words + 1).copied().unwrap_or(0);
            *slot = if bits == 0 {
                low
            } else {
                (low >> bits) | (high << (64 - bits))
            };
        }
        self.bits = shifted;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids handled in `from..=to`.
    fn handled(position: &Position, from: i64, to: i64) -> Vec<i64> {
        (from..=to).filter(|id| position.contains(*id)).collect()
    }

    #[test]
    fn a_run_of_ids_moves_the_base_and_a_gap_holds_it() {
        let mut position = Position::after(10);
        assert!(position.insert(11) && position.insert(12));
        assert_eq!(position, Position::after(12));
        assert!(position.insert(14) && position.insert(15));
        assert!(!position.insert(14) && !position.insert(12) && !position.insert(3));
        assert_eq!((position.base(), position.newest()), (12, 15));
        assert_eq!(handled(&position, 11, 20), [11, 12, 14, 15]);
        assert_eq!(position.first_missing_after(12), 13);
        assert_eq!(position.first_missing_after(13), 16);
        // The late 13 closes the gap.
        assert!(position.insert(13));
        assert_eq!(position, Position::after(15));
    }

    #[test]
    fn an_id_past_the_window_pushes_the_base_up() {
        let mut position = Position::after(0);
        position.insert(2);
        position.insert(100);
        position.insert(WINDOW + 50);
        // 1 is more than a window below the newest: it counts as handled from now on.
        assert_eq!(position.base(), 50);
        assert!(position.contains(1) && position.contains(50));
        assert_eq!(handled(&position, 51, 2 * WINDOW), [100, WINDOW + 50]);
        position.insert(10 * WINDOW);
        assert_eq!(position, {
            let mut far = Position::after(9 * WINDOW);
            far.insert(10 * WINDOW);
            far
        });
        assert_eq!(position.first_missing_after(0), 9 * WINDOW + 1);
    }

    #[test]
    fn the_bitmap_round_trips_and_is_bounded() {
        let mut position = Position::after(1_000);
        for id in [1_002, 1_063, 1_064, 1_065, 1_128, 1_000 + WINDOW] {
            position.insert(id);
        }
        let bitmap = position.bitmap();
        assert_eq!(bitmap.len(), (WINDOW / 8) as usize);
        assert_eq!(Position::from_bitmap(1_000, &bitmap), Some(position));
        let mut short = Position::after(7);
        short.insert(9);
        assert_eq!(short.bitmap(), [0b10]);
        assert!(Position::after(7).bitmap().is_empty());
        assert_eq!(Position::from_bitmap(7, &[0b11]), Some(Position::after(9)));
        assert_eq!(Position::from_bitmap(7, &[0; 33]), None);
        assert_eq!(Position::from_bitmap(i64::MAX - 3, &[0b1000]), None);
        // Every id of a full window, set in a scattered order, is one run.
        let mut full = Position::after(0);
        for id in (1..=WINDOW).rev() {
            full.insert(id);
        }
        assert_eq!(full, Position::after(WINDOW));
    }
}
