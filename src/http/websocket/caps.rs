//! The caps of the WebSocket: sockets per ASN and sockets still waiting for their
//! `connection_init`, each place freed when its holder is dropped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::ids::AsnId;

/// Open sockets per ASN.
#[derive(Debug, Default)]
pub struct SocketRegistry(Mutex<HashMap<AsnId, usize>>);

impl SocketRegistry {
    /// Takes a slot for `asn`, if fewer than `max` are taken.
    pub(super) fn acquire(&self, asn: AsnId, max: usize) -> bool {
        let Ok(mut open) = self.0.lock() else {
            return false;
        };
        let count = open.entry(asn).or_default();
        if *count >= max {
            return false;
        }
        *count += 1;
        true
    }

    /// Frees a slot of `asn`.
    pub(super) fn release(&self, asn: AsnId) {
        if let Ok(mut open) = self.0.lock()
            && let Some(count) = open.get_mut(&asn)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&asn);
            }
        }
    }
}

/// WebSockets that have not been initialised yet, across the instance.
#[derive(Debug, Default)]
pub struct PendingSockets(Arc<AtomicUsize>);

/// A pending socket's place under the cap; freed when dropped.
pub struct PendingSlot(Arc<AtomicUsize>);

impl PendingSockets {
    /// Takes a place if fewer than `max` are taken.
    pub(super) fn acquire(&self, max: usize) -> Option<PendingSlot> {
        self.0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |taken| {
                (taken < max).then_some(taken + 1)
            })
            .ok()
            .map(|_| PendingSlot(self.0.clone()))
    }

    /// Sockets waiting for their `connection_init` now.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Drop for PendingSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Frees the ASN's socket slot when the socket's session data is dropped.
pub(super) struct SocketSlot {
    pub(super) registry: Arc<SocketRegistry>,
    pub(super) asn: AsnId,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        self.registry.release(self.asn);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_cap_per_asn_and_release() {
        let registry = SocketRegistry::default();
        for _ in 0..2 {
            assert!(registry.acquire(AsnId(1), 2));
        }
        assert!(!registry.acquire(AsnId(1), 2));
        assert!(registry.acquire(AsnId(2), 2));
        registry.release(AsnId(1));
        assert!(registry.acquire(AsnId(1), 2));
    }

    #[test]
    fn pending_places_cap_and_free() {
        let pending = PendingSockets::default();
        let first = pending.acquire(2);
        let second = pending.acquire(2);
        assert!(first.is_some() && second.is_some());
        assert!(pending.acquire(2).is_none());
        assert_eq!(pending.count(), 2);
        drop(first);
        assert_eq!(pending.count(), 1);
        assert!(pending.acquire(2).is_some());
    }
}
