package bufpool

import "testing"

func TestClasses(t *testing.T) {
	for n := minSize / 2; n < 1<<24; n += n/61 + 1 {
		c, size := class(n)
		if size < n || size > n+n/4+1 {
			t.Fatalf("class(%d) = %d, %d; want a size in [n, 1.25n]", n, c, size)
		}
		if f := floorClass(size); f != c {
			t.Fatalf("floorClass(%d) = %d; want %d, the class of that size", size, f, c)
		}
		if f := floorClass(n); f > c || (f == c && size != n) {
			t.Fatalf("floorClass(%d) = %d; class(%d) = %d, %d", n, f, n, c, size)
		}
		if _, s := class(size); s != size {
			t.Fatalf("class(%d) has size %d; a class size must map to itself", size, s)
		}
	}
}

// TestReuse checks that a buffer handed back comes out again for a size
// its class holds, zeroed, and that Get never returns one too small.
func TestReuse(t *testing.T) {
	b := Get(300_000)
	for i := range b {
		b[i] = 0xAA
	}
	p := &b[0]
	Put(b)
	var again []byte
	for range 3 { // a collection may empty the pool between Put and Get
		again = Get(290_000)
		if &again[0] == p {
			break
		}
		Put(again)
		Put(b)
	}
	if len(again) != 290_000 {
		t.Fatalf("len = %d", len(again))
	}
	for i, v := range again {
		if v != 0 {
			t.Fatalf("byte %d of a reused buffer is %#x, not zero", i, v)
		}
	}
	// A foreign buffer whose capacity is not a class size is kept in the
	// class below, so that it is never handed out too small.
	odd := make([]byte, 100_001)
	Put(odd)
	for n := 90_000; n < 140_000; n += 1000 {
		if g := Get(n); len(g) != n || cap(g) < n {
			t.Fatalf("Get(%d): len %d cap %d", n, len(g), cap(g))
		}
	}
}

// TestBigNotKept checks that a buffer over maxKeep is dropped, not kept.
func TestBigNotKept(t *testing.T) {
	b := Get(maxKeep + 1)
	p := &b[0]
	Put(b)
	if g := Get(maxKeep + 1); &g[0] == p {
		t.Fatal("a buffer over maxKeep came back")
	}
	c := GetInt32(maxKeep/4 + 1)
	q := &c[0]
	PutInt32(c)
	if g := GetInt32(maxKeep/4 + 1); &g[0] == q {
		t.Fatal("an int32 buffer over maxKeep bytes came back")
	}
}

// TestBigReusedAcrossGoroutines checks that a big buffer put by one
// goroutine is what another one gets next (a sync.Pool may miss it), that
// Drop forgets it, and that the budget bounds what is kept.
func TestBigReusedAcrossGoroutines(t *testing.T) {
	Drop()
	t.Cleanup(Drop)
	const n = 10 << 20
	b := Get(n)
	p := &b[0]
	b[n-1] = 1
	done := make(chan struct{})
	go func() { Put(b); close(done) }()
	<-done
	got := make(chan []byte)
	go func() { got <- Get(n - 1000) }()
	g := <-got
	if &g[0] != p {
		t.Fatal("a big buffer put by one goroutine did not come back to another")
	}
	if g[len(g)-1] != 0 {
		t.Fatal("a reused big buffer is not zeroed")
	}
	Put(g)
	Drop()
	if g := Get(n); &g[0] == p {
		t.Fatal("a big buffer came back after Drop")
	}
	// Over the budget, the oldest ones go.
	var kept [][]byte
	for range bigBudget/(maxKeep/2) + 2 {
		kept = append(kept, Get(maxKeep/2))
	}
	for _, b := range kept {
		Put(b)
	}
	bigMu.Lock()
	total := bigBytes
	bigMu.Unlock()
	if total > bigBudget {
		t.Fatalf("big lists keep %d bytes, over the budget of %d", total, bigBudget)
	}
	if g := Get(maxKeep / 2); &g[0] == &kept[0][0] {
		t.Error("the oldest big buffer was kept over the budget")
	}
	if g := Get(maxKeep / 2); &g[0] != &kept[len(kept)-1][0] && &g[0] != &kept[len(kept)-2][0] {
		t.Error("a recent big buffer was not kept")
	}
}

// TestSetBudget checks that a lower budget drops what is kept over it and
// bounds what is kept afterwards.
func TestSetBudget(t *testing.T) {
	Drop()
	t.Cleanup(func() { SetBudget(maxBudget); Drop() })
	a, b := Get(8<<20), Get(8<<20)
	Put(a)
	Put(b)
	SetBudget(10 << 20)
	bigMu.Lock()
	kept := bigBytes
	bigMu.Unlock()
	if kept > 10<<20 {
		t.Fatalf("after SetBudget(10 MiB), %d bytes kept", kept)
	}
	if g := Get(8 << 20); &g[0] != &b[0] {
		t.Error("SetBudget dropped the newest buffer, not the oldest")
	}
	c := Get(12 << 20)
	Put(c)
	if g := Get(12 << 20); &g[0] == &c[0] {
		t.Error("a buffer over the budget was kept")
	}
}
