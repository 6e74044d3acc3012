//! A conversation's place in the queue, as the pure router sees it: its target, its
//! packed priority and its arrival. No I/O.

use parley_reception::routing::{self, Priority, QueueEntry, Target, Tier};

use super::model::Conversation;

/// Packs a [`Priority`] into one sortable integer column: tier above VIP rank.
pub fn pack_priority(p: Priority) -> i64 {
    let tier = match p.tier {
        Tier::Normal => 0,
        Tier::Vip => 1,
        Tier::QueueFirst => 2,
    };
    (tier << 32) | i64::from(p.vip_rank)
}

/// Reads [`pack_priority`] back.
pub fn unpack_priority(packed: i64) -> Priority {
    let tier = match packed >> 32 {
        2 => Tier::QueueFirst,
        1 => Tier::Vip,
        _ => Tier::Normal,
    };
    Priority {
        tier,
        vip_rank: (packed & 0xFFFF_FFFF) as u32,
    }
}

/// The queue entry of a waiting conversation: its target is the designated agent it
/// waits for, else its group, else any agent.
pub fn entry(c: &Conversation) -> QueueEntry {
    let target = match (&c.queue_agent, &c.group_id) {
        (Some(a), _) => Target::Agent(a.clone()),
        (None, Some(g)) => Target::Group(g.clone()),
        (None, None) => Target::Any,
    };
    QueueEntry {
        visitor: c.id.clone(),
        target,
        priority: unpack_priority(c.priority),
        seq: u64::try_from(c.queued_at.unwrap_or(c.created_at)).unwrap_or(0),
    }
}

/// Every waiting conversation's position (1 = next) in its target's queue.
pub fn positions(waiting: &[Conversation]) -> Vec<(String, u32)> {
    let queue: Vec<QueueEntry> = waiting.iter().map(entry).collect();
    routing::queue_positions(&queue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_pack_in_queue_order() {
        let p = |tier, vip_rank| Priority { tier, vip_rank };
        let order = [
            p(Tier::Normal, 0),
            p(Tier::Normal, 7),
            p(Tier::Vip, 0),
            p(Tier::Vip, u32::MAX),
            p(Tier::QueueFirst, 0),
        ];
        for pair in order.windows(2) {
            assert!(pack_priority(pair[0]) < pack_priority(pair[1]));
        }
        for x in order {
            assert_eq!(unpack_priority(pack_priority(x)), x);
        }
    }
}
