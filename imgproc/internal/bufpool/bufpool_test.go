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
