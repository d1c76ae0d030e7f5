//! The challenge directives' id lists name exactly the core's challenges of each family.

use msa_sim::challenge::{Family, CHALLENGES};

#[test]
fn challenge_directive_ids_match_the_core() {
    for (family, list) in [
        (Family::Race, msa_content::CHALLENGES_RACE),
        (Family::Proxy, msa_content::CHALLENGES_PROXY),
        (Family::Arch, msa_content::CHALLENGES_ARCH),
        (Family::Ddd, msa_content::CHALLENGES_DDD),
    ] {
        let ids: Vec<&str> = CHALLENGES.iter().filter(|c| c.family == family).map(|c| c.id).collect();
        assert_eq!(list, &ids[..], "{}", family.name());
    }
}
