//! Deduplication: the key of a delivery and the stores that remember handled keys.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::{Mutex, PoisonError};

use sha2::{Digest as _, Sha256};

/// What identifies one delivery: a 128-bit digest of the tag and the values of the payload
/// fields the spec names for its kind (object id and status or update time), or of the tag
/// and the whole object when the spec names none.
///
/// Two deliveries with the same key are the same event (a vendor retry or a replay); a status
/// change gives a new key. The key holds no payload text, so storing it stores no card data.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryKey([u8; 16]);

impl DeliveryKey {
    /// The key of `parts` (length-prefixed, so `["ab", "c"]` and `["a", "bc"]` differ).
    pub fn from_parts<'a>(parts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        let digest = hasher.finalize();
        let mut key = [0; 16];
        key.copy_from_slice(&digest[..16]);
        Self(key)
    }

    /// The key as 16 bytes, for a store of your own.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The key from 16 bytes (as [`as_bytes`](Self::as_bytes) gave them).
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }
}

/// Lowercase hex, 32 characters.
impl fmt::Display for DeliveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for DeliveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeliveryKey({self})")
    }
}

/// What a [`DeliveryStore`] knows about a key when a delivery arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Begin {
    /// Never handled and not being handled: the caller now owns it and must end with
    /// [`DeliveryStore::complete`] or [`DeliveryStore::abandon`].
    New,
    /// Already handled: acknowledge without handling again.
    Duplicate,
    /// Being handled by another request right now: answer so that the vendor retries later.
    InProgress,
}

/// Remembers which deliveries were handled, so that a retried or replayed delivery is not
/// handled twice.
///
/// [`MemoryStore`] keeps a bounded number of keys in memory: enough for one process whose
/// vendor retries within minutes. Implement this trait over a database (a table with the key
/// as primary key) to share the memory between processes or keep it across restarts. Calls
/// are synchronous and made while a request waits: keep them short.
pub trait DeliveryStore: Send + Sync {
    /// Claims `key` for handling, unless it was handled or is being handled.
    fn begin(&self, key: DeliveryKey) -> Begin;
    /// Records `key` as handled (the handler returned `Ok`).
    fn complete(&self, key: DeliveryKey);
    /// Releases a claimed `key` without recording it (the handler failed), so that the
    /// vendor's retry is handled.
    fn abandon(&self, key: DeliveryKey);
}

/// A [`DeliveryStore`] in memory that remembers the most recent `capacity` handled keys
/// (oldest forgotten first) plus the keys being handled.
///
/// Memory is about 54 bytes per remembered key (measured in `BENCHMARKS.md`). Size it to
/// cover the vendor's retry window: a key forgotten before the last retry lets that retry be
/// handled again.
#[derive(Debug)]
pub struct MemoryStore {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    handled: HashSet<DeliveryKey>,
    order: VecDeque<DeliveryKey>,
    in_progress: HashSet<DeliveryKey>,
}

impl MemoryStore {
    /// The default capacity: 100,000 keys (about 5 MB).
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store remembering up to `capacity` handled keys (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// How many handled keys the store remembers now.
    pub fn len(&self) -> usize {
        self.lock().handled.len()
    }

    /// Whether the store remembers no handled key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent at every await-free step, so a panic elsewhere while
        // holding the lock leaves nothing half-done.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

impl DeliveryStore for MemoryStore {
    fn begin(&self, key: DeliveryKey) -> Begin {
        let mut state = self.lock();
        if state.handled.contains(&key) {
            Begin::Duplicate
        } else if !state.in_progress.insert(key) {
            Begin::InProgress
        } else {
            Begin::New
        }
    }

    fn complete(&self, key: DeliveryKey) {
        let mut state = self.lock();
        state.in_progress.remove(&key);
        if state.handled.insert(key) {
            state.order.push_back(key);
            while state.order.len() > self.capacity {
                if let Some(oldest) = state.order.pop_front() {
                    state.handled.remove(&oldest);
                }
            }
        }
    }

    fn abandon(&self, key: DeliveryKey) {
        self.lock().in_progress.remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u32) -> DeliveryKey {
        DeliveryKey::from_parts([n.to_string().as_str()])
    }

    #[test]
    fn keys_are_length_prefixed_and_print_as_hex() {
        assert_ne!(
            DeliveryKey::from_parts(["ab", "c"]),
            DeliveryKey::from_parts(["a", "bc"])
        );
        assert_eq!(key(1), key(1));
        let hex = key(1).to_string();
        assert_eq!(hex.len(), 32);
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(DeliveryKey::from_bytes(*key(1).as_bytes()), key(1));
    }

    #[test]
    fn a_key_is_new_then_in_progress_then_duplicate() {
        let store = MemoryStore::new(10);
        assert_eq!(store.begin(key(1)), Begin::New);
        assert_eq!(store.begin(key(1)), Begin::InProgress);
        store.complete(key(1));
        assert_eq!(store.begin(key(1)), Begin::Duplicate);
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn an_abandoned_key_can_be_handled_again() {
        let store = MemoryStore::new(10);
        assert_eq!(store.begin(key(1)), Begin::New);
        store.abandon(key(1));
        assert_eq!(store.begin(key(1)), Begin::New);
        assert!(store.is_empty());
    }

    #[test]
    fn the_oldest_keys_are_forgotten_past_capacity() {
        let store = MemoryStore::new(3);
        for n in 0..5 {
            assert_eq!(store.begin(key(n)), Begin::New);
            store.complete(key(n));
        }
        assert_eq!(store.len(), 3);
        assert_eq!(store.begin(key(0)), Begin::New);
        assert_eq!(store.begin(key(1)), Begin::New);
        for n in 2..5 {
            assert_eq!(store.begin(key(n)), Begin::Duplicate);
        }
    }
}
