use msa_sim::txn::*;
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let sc = preset(&a[1]).unwrap().scenario().unwrap();
    let mut run = Run::new(sc.clone());
    for t in Schedule::decode(&a[2]).unwrap().0 {
        match run.step(t) { Ok(tk) => println!("T{} {:?} {:?}", t+1, tk.action, tk.events), Err(e) => { println!("err {:?}", e); break } }
    }
    println!("{:?}", run.choices());
    println!("{:#?}", run.state().txns[1]);
}
