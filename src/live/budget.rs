//! The subscription budget of one socket: the transport puts it in the socket's session data,
//! and each subscription takes a place from it for as long as it runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{AppError, AppResult};

/// The subscription budget of one socket, in its session data.
#[derive(Debug, Clone)]
pub struct SubscriptionBudget {
    taken: Arc<AtomicUsize>,
    max: usize,
}

/// Held by a running subscription; frees its slot when the subscription ends.
pub struct SubscriptionSlot(Arc<AtomicUsize>);

impl SubscriptionBudget {
    /// A budget of `max` subscriptions.
    pub fn new(max: usize) -> Self {
        Self {
            taken: Arc::default(),
            max,
        }
    }

    /// Takes a slot, or refuses beyond the maximum.
    pub fn acquire(&self) -> AppResult<SubscriptionSlot> {
        let taken = self.taken.fetch_add(1, Ordering::SeqCst);
        if taken >= self.max {
            self.taken.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::too_complex(
                "subscriptions per socket",
                self.max,
                taken + 1,
            ));
        }
        Ok(SubscriptionSlot(self.taken.clone()))
    }
}

impl Drop for SubscriptionSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_cap_and_release() {
        let budget = SubscriptionBudget::new(3);
        let slots: Vec<_> = (0..3).map(|_| budget.acquire().unwrap()).collect();
        assert!(budget.acquire().is_err());
        drop(slots);
        assert!(budget.acquire().is_ok());
    }
}
