//! The saga timeline (msa_sim::arch::saga): the exact log for every failing step, and for a crash between the
//! write and the publish with and without the outbox.

use msa_sim::arch::saga::{self, Change, CrashPoint, Entry, Failure, Outcome, QueryError, Service, Setup};

/// One line a log entry, short enough to read a whole timeline in an assertion.
fn line(e: &Entry) -> String {
    match *e {
        Entry::Commit { change, on, outbox_row } => format!(
            "{} {:?}{}{}",
            change.service().name(),
            change,
            on.map(|e| format!(" on {}", e.name())).unwrap_or_default(),
            outbox_row.map(|e| format!(" +outbox {}", e.name())).unwrap_or_default()
        ),
        Entry::Publish { from, event, relay, again } => format!(
            "{} {} {}{}",
            from.name(),
            if relay { "relays" } else { "publishes" },
            event.name(),
            if again { " again" } else { "" }
        ),
        Entry::Crash { service } => format!("{} CRASH", service.name()),
        Entry::Restart { service } => format!("{} restart", service.name()),
        Entry::Lost { from, event } => format!("{} LOST {}", from.name(), event.name()),
        Entry::Duplicate { service, key } => format!("{} ignores duplicate {key}", service.name()),
    }
}

fn timeline(setup: Setup) -> (Vec<String>, saga::Run) {
    let run = saga::run(setup);
    (run.log.iter().map(line).collect(), run)
}

fn fail(f: Failure) -> Setup {
    Setup { fail: f, ..Setup::default() }
}

fn crash(service: Service, point: CrashPoint, outbox: bool) -> Setup {
    Setup { fail: Failure::None, crash: service, point, outbox }
}

#[test]
fn happy_path() {
    let (log, run) = timeline(Setup::default());
    assert_eq!(
        log,
        [
            "order OrderPending",
            "order publishes OrderPlaced",
            "payment Charged on OrderPlaced",
            "payment publishes PaymentApproved",
            "stock Reserved on PaymentApproved",
            "stock publishes StockReserved",
            "delivery RiderAssigned on StockReserved",
            "delivery publishes RiderAssigned",
            "order OrderConfirmed on RiderAssigned",
        ]
    );
    assert_eq!(run.outcome, Outcome::Completed);
    assert!(run.outcome.consistent());
    assert_eq!(run.fin.charges, 1);
}

#[test]
fn payment_declined_cancels_the_order() {
    let (log, run) = timeline(fail(Failure::Payment));
    assert_eq!(
        log,
        [
            "order OrderPending",
            "order publishes OrderPlaced",
            "payment Declined on OrderPlaced",
            "payment publishes PaymentDeclined",
            "order OrderCancelled on PaymentDeclined",
        ]
    );
    assert_eq!(run.outcome, Outcome::Compensated { failed: Service::Payment });
    assert_eq!(run.fin.charges, 0);
}

#[test]
fn sold_out_refunds_then_cancels() {
    let (log, run) = timeline(fail(Failure::Stock));
    assert_eq!(
        log,
        [
            "order OrderPending",
            "order publishes OrderPlaced",
            "payment Charged on OrderPlaced",
            "payment publishes PaymentApproved",
            "stock SoldOut on PaymentApproved",
            "stock publishes StockSoldOut",
            "payment Refunded on StockSoldOut",
            "payment publishes PaymentRefunded",
            "order OrderCancelled on PaymentRefunded",
        ]
    );
    assert_eq!(run.outcome, Outcome::Compensated { failed: Service::Stock });
    assert_eq!(run.fin.payment, Some(Change::Refunded));
}

#[test]
fn no_rider_compensates_in_reverse_order() {
    let (log, run) = timeline(fail(Failure::Delivery));
    assert_eq!(
        log[6..],
        [
            "delivery NoRider on StockReserved",
            "delivery publishes NoRider",
            "stock Released on NoRider",
            "stock publishes StockReleased",
            "payment Refunded on StockReleased",
            "payment publishes PaymentRefunded",
            "order OrderCancelled on PaymentRefunded",
        ]
    );
    // Compensations run in the reverse order of the forward steps they undo.
    let comps: Vec<Service> = run
        .log
        .iter()
        .filter_map(|e| match e {
            Entry::Commit { change, .. } if change.is_compensation() => Some(change.service()),
            _ => None,
        })
        .collect();
    assert_eq!(comps, [Service::Stock, Service::Payment, Service::Order]);
    assert_eq!(run.outcome, Outcome::Compensated { failed: Service::Delivery });
    assert_eq!(
        (run.fin.order, run.fin.payment, run.fin.stock, run.fin.delivery),
        (Some(Change::OrderCancelled), Some(Change::Refunded), Some(Change::Released), Some(Change::NoRider))
    );
}

#[test]
fn order_dies_before_publishing_without_outbox_payment_never_hears() {
    let (log, run) = timeline(crash(Service::Order, CrashPoint::BeforePublish, false));
    assert_eq!(log, ["order OrderPending", "order CRASH", "order restart", "order LOST OrderPlaced"]);
    assert_eq!(run.outcome, Outcome::Stuck { lost: saga::Event::OrderPlaced, waiting: Service::Payment });
    assert!(!run.outcome.consistent());
    assert_eq!((run.fin.order, run.fin.payment), (Some(Change::OrderPending), None));
}

#[test]
fn payment_dies_before_publishing_without_outbox_charged_but_never_confirmed() {
    let (log, run) = timeline(crash(Service::Payment, CrashPoint::BeforePublish, false));
    assert_eq!(
        log,
        [
            "order OrderPending",
            "order publishes OrderPlaced",
            "payment Charged on OrderPlaced",
            "payment CRASH",
            "payment restart",
            "payment LOST PaymentApproved",
        ]
    );
    assert_eq!(run.outcome, Outcome::Stuck { lost: saga::Event::PaymentApproved, waiting: Service::Stock });
    assert_eq!((run.fin.order, run.fin.charges), (Some(Change::OrderPending), 1));
}

#[test]
fn with_outbox_the_relay_publishes_after_the_restart() {
    let (log, run) = timeline(crash(Service::Order, CrashPoint::BeforePublish, true));
    assert_eq!(
        log,
        [
            "order OrderPending +outbox OrderPlaced",
            "order CRASH",
            "order restart",
            "order relays OrderPlaced",
            "payment Charged on OrderPlaced +outbox PaymentApproved",
            "payment relays PaymentApproved",
            "stock Reserved on PaymentApproved +outbox StockReserved",
            "stock relays StockReserved",
            "delivery RiderAssigned on StockReserved +outbox RiderAssigned",
            "delivery relays RiderAssigned",
            "order OrderConfirmed on RiderAssigned",
        ]
    );
    assert_eq!(run.outcome, Outcome::Completed);
    assert_eq!(run.duplicates(), 0);
}

#[test]
fn with_outbox_a_crash_after_publishing_delivers_twice_and_the_key_dedupes() {
    let (log, run) = timeline(crash(Service::Order, CrashPoint::AfterPublish, true));
    assert_eq!(
        log[..7],
        [
            "order OrderPending +outbox OrderPlaced",
            "order relays OrderPlaced",
            "order CRASH",
            "order restart",
            "order relays OrderPlaced again",
            "payment Charged on OrderPlaced +outbox PaymentApproved",
            "payment relays PaymentApproved",
        ]
    );
    assert_eq!(log[7], "payment ignores duplicate OrderPlaced/1001");
    assert_eq!(run.outcome, Outcome::Completed);
    assert_eq!(run.duplicates(), 1);
    assert_eq!(run.fin.charges, 1, "the duplicate does not charge twice");
}

#[test]
fn without_outbox_a_crash_after_publishing_loses_nothing() {
    let (log, run) = timeline(crash(Service::Stock, CrashPoint::AfterPublish, false));
    assert_eq!(
        log[4..9],
        [
            "stock Reserved on PaymentApproved",
            "stock publishes StockReserved",
            "stock CRASH",
            "stock restart",
            "delivery RiderAssigned on StockReserved"
        ]
    );
    assert_eq!(run.outcome, Outcome::Completed);
    assert_eq!(run.duplicates(), 0);
}

#[test]
fn a_crash_in_a_step_never_reached_changes_nothing() {
    let plain = saga::run(fail(Failure::Payment));
    let crashed =
        saga::run(Setup { crash: Service::Stock, point: CrashPoint::BeforePublish, ..fail(Failure::Payment) });
    assert_eq!(plain.log, crashed.log);
}

#[test]
fn a_failing_step_that_crashes_loses_its_failure_event_without_outbox() {
    let (log, run) = timeline(Setup {
        fail: Failure::Stock,
        crash: Service::Stock,
        point: CrashPoint::BeforePublish,
        outbox: false,
    });
    assert_eq!(log.last().unwrap(), "stock LOST StockSoldOut");
    // Charged, never refunded, the order still pending.
    assert_eq!(run.outcome, Outcome::Stuck { lost: saga::Event::StockSoldOut, waiting: Service::Payment });
    assert_eq!((run.fin.payment, run.fin.order), (Some(Change::Charged), Some(Change::OrderPending)));
    let fixed = saga::run(Setup { outbox: true, ..run.setup });
    assert_eq!(fixed.outcome, Outcome::Compensated { failed: Service::Stock });
}

/// Every setup ends, and with the outbox every one is consistent; without it, exactly the crashes before a
/// publish are not.
#[test]
fn every_setup() {
    for fail in Failure::ALL {
        for crash in Service::ALL {
            for point in CrashPoint::ALL {
                for outbox in [false, true] {
                    let s = Setup { fail, crash, point, outbox };
                    let run = saga::run(s);
                    assert!(run.log.len() <= 20, "{s:?}");
                    assert!(run.fin.charges <= 1, "{s:?}");
                    let reached = run.log.iter().any(|e| matches!(e, Entry::Crash { .. }));
                    let lost = !outbox && point == CrashPoint::BeforePublish && reached;
                    assert_eq!(run.outcome.consistent(), !lost, "{s:?}");
                    assert_eq!(
                        run.duplicates(),
                        usize::from(outbox && point == CrashPoint::AfterPublish && reached),
                        "{s:?}"
                    );
                    assert_eq!(Setup::from_query(&s.to_query()), Ok(s));
                }
            }
        }
    }
}

#[test]
fn query_decoding_is_typed() {
    assert_eq!(Setup::from_query(""), Ok(Setup::default()));
    assert_eq!(
        Setup::from_query("f:stock,c:payment,p:before,o:1"),
        Ok(Setup { fail: Failure::Stock, crash: Service::Payment, point: CrashPoint::BeforePublish, outbox: true })
    );
    assert_eq!(Setup::from_query("f:kitchen"), Err(QueryError::BadValue { key: "f".into(), value: "kitchen".into() }));
    assert_eq!(Setup::from_query("o:yes"), Err(QueryError::BadValue { key: "o".into(), value: "yes".into() }));
    assert_eq!(Setup::from_query("o"), Err(QueryError::Malformed { item: 1 }));
    assert_eq!(Setup::from_query("z:1"), Err(QueryError::UnknownKey { key: "z".into() }));
    assert!(matches!(Setup::from_query(&"f:none,".repeat(20)), Err(QueryError::TooLong { .. })));
    assert!(matches!(Setup::from_query("f:é"), Err(QueryError::BadValue { .. })));
}
