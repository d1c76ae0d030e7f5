//! The DDD lesson's exercises as data: each item has an id (its text lives in the app's locale files under
//! the same id) and the index of its right choice. Grading and the stored answer format live here so they are
//! tested natively and the page only draws them.

/// A sorting or matching exercise: every item gets one of `choices`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exercise {
    /// Also the storage key's suffix and the widget name (`ddd-kinds`).
    pub id: &'static str,
    /// Choice ids, in the order the page offers them.
    pub choices: &'static [&'static str],
    /// (item id, index of the right choice), in the order the page lists them.
    pub items: &'static [(&'static str, u8)],
}

/// Entity, value object or aggregate root: the FoodDash story's terms.
pub const KINDS: Exercise = Exercise {
    id: "ddd-kinds",
    choices: &["entity", "value", "root"],
    items: &[
        ("order", 2),
        ("order-line", 1),
        ("money", 1),
        ("member", 2),
        ("address", 1),
        ("restaurant", 2),
        ("payment-attempt", 0),
        ("time-window", 1),
        ("courier", 2),
    ],
};

/// Which bounded context each meaning of "product" and "order" belongs to.
pub const CONTEXTS: Exercise = Exercise {
    id: "ddd-contexts",
    choices: &["catalog", "ordering", "delivery", "settlement"],
    items: &[
        ("product-menu-item", 0),
        ("product-line", 1),
        ("product-parcel", 2),
        ("order-purchase", 1),
        ("order-job", 2),
        ("order-statement-row", 3),
        ("product-sold-out", 0),
    ],
};

/// The domain experts' words and the model's names.
pub const LANGUAGE: Exercise = Exercise {
    id: "ddd-language",
    choices: &["accept", "reject", "assign", "credit-limit", "order-line", "mark-paid", "confirm", "set-status"],
    items: &[
        ("agrees-to-cook", 0),
        ("refuses", 1),
        ("courier-assigned", 2),
        ("most-company-pays", 3),
        ("one-item", 4),
        ("customer-paid", 5),
    ],
};

/// The exercises by id.
pub const ALL: [Exercise; 3] = [KINDS, CONTEXTS, LANGUAGE];

/// One item's state after checking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Unanswered,
    Right,
    Wrong,
}

/// The learner's choices: one per item, `None` until chosen.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Answers(pub Vec<Option<u8>>);

/// A graded set of answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grade {
    pub marks: Vec<Mark>,
    pub right: usize,
    pub total: usize,
}

impl Grade {
    pub fn complete(&self) -> bool {
        self.marks.iter().all(|m| *m != Mark::Unanswered)
    }
    pub fn perfect(&self) -> bool {
        self.right == self.total
    }
}

impl Exercise {
    pub fn by_id(id: &str) -> Option<Exercise> {
        ALL.iter().copied().find(|e| e.id == id)
    }

    pub fn empty(&self) -> Answers {
        Answers(vec![None; self.items.len()])
    }

    /// Index of the right choice for every item.
    pub fn key(&self) -> Vec<u8> {
        self.items.iter().map(|(_, a)| *a).collect()
    }

    /// Sets item `item` to choice `choice` (out-of-range indices change nothing).
    pub fn choose(&self, answers: &mut Answers, item: usize, choice: Option<u8>) {
        if answers.0.len() != self.items.len() {
            *answers = self.empty();
        }
        if item < self.items.len() && choice.is_none_or(|c| (c as usize) < self.choices.len()) {
            answers.0[item] = choice;
        }
    }

    pub fn grade(&self, answers: &Answers) -> Grade {
        let marks: Vec<Mark> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, (_, right))| match answers.0.get(i).copied().flatten() {
                None => Mark::Unanswered,
                Some(c) if c == *right => Mark::Right,
                Some(_) => Mark::Wrong,
            })
            .collect();
        let right = marks.iter().filter(|m| **m == Mark::Right).count();
        Grade { marks, right, total: self.items.len() }
    }

    /// The stored form: one character per item, the choice's digit or `.` when unanswered, then `!` if the
    /// learner checked (`201.1!`).
    pub fn encode(&self, answers: &Answers, checked: bool) -> String {
        let mut s: String = (0..self.items.len())
            .map(|i| match answers.0.get(i).copied().flatten() {
                Some(c) => char::from(b'0' + c.min(9)),
                None => '.',
            })
            .collect();
        if checked {
            s.push('!');
        }
        s
    }

    /// Reads the stored form back; `None` for anything else (wrong length, a choice that does not exist,
    /// another character), so the page starts over.
    pub fn decode(&self, s: &str) -> Option<(Answers, bool)> {
        let (body, checked) = match s.strip_suffix('!') {
            Some(b) => (b, true),
            None => (s, false),
        };
        if body.len() != self.items.len() {
            return None;
        }
        let mut v = Vec::with_capacity(body.len());
        for b in body.bytes() {
            match b {
                b'.' => v.push(None),
                b'0'..=b'9' if ((b - b'0') as usize) < self.choices.len() => v.push(Some(b - b'0')),
                _ => return None,
            }
        }
        if checked && v.iter().any(|c| c.is_none()) {
            return None;
        }
        Some((Answers(v), checked))
    }
}
