package channels

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// orderStream is a csv file of n orders (two rows each) made as it is read, never held whole.
type orderStream struct {
	n, next int
	buf     []byte
}

func (s *orderStream) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		if s.next > s.n {
			return 0, io.EOF
		}
		if s.next == 0 {
			s.buf = []byte("order_id,ordered_at,currency,ship_name,ship_line1,ship_city,ship_country,sku,qty,line_amount,total\n")
		} else {
			id := fmt.Sprintf("S-%d", s.next)
			s.buf = fmt.Appendf(nil, "%s,2025-10-07T09:50:26Z,EUR,N,L,C,NL,A,1,1.00,3.00\n%s,,,,,,,B,2,2.00,\n", id, id)
		}
		s.next++
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

// A large file streams: the heap after reading 100,000 orders is what one order needs, not the file.
func TestLargeFileStreamsInBoundedMemory(t *testing.T) {
	const n = 100000
	r, err := Open("csv", &orderStream{n: n}, Options{File: "big.csv"})
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	count, maxHeap := 0, uint64(0)
	for {
		p, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Reason != "" || p.Line != 2*count+2 {
			t.Fatalf("order %d: line %d: %s", count+1, p.Line, p.Reason)
		}
		count++
		if count%50000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			maxHeap = max(maxHeap, ms.HeapAlloc)
		}
	}
	if count != n {
		t.Fatalf("%d orders, want %d", count, n)
	}
	if maxHeap > 32<<20 {
		t.Errorf("the heap grew to %d MB while streaming", maxHeap>>20)
	}
}
