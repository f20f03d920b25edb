package simulate

import (
	"fmt"
	"sync"
	"testing"
)

func TestAConveyorGivesEachItemToOneTaker(t *testing.T) {
	c, err := NewConveyor(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if err := c.Put(fmt.Sprintf("SO-%04d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Put("../escape"); err == nil {
		t.Error("a name with a slash was accepted")
	}
	var mu sync.Mutex
	got := map[string]string{}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			taker := fmt.Sprintf("packer-%d", w)
			for {
				item, ok, err := c.Take(taker)
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					return
				}
				mu.Lock()
				if other, twice := got[item]; twice {
					t.Errorf("%s taken by %s and %s", item, other, taker)
				}
				got[item] = taker
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(got) != 200 || c.Waiting() != 0 {
		t.Fatalf("%d items taken, %d waiting", len(got), c.Waiting())
	}
	taker := got["SO-0007"]
	held, _ := c.Held(taker)
	if len(held) == 0 {
		t.Fatalf("%s holds nothing", taker)
	}
	for _, item := range held {
		if err := c.Done(taker, item); err != nil {
			t.Fatal(err)
		}
	}
	if held, _ := c.Held(taker); len(held) != 0 {
		t.Errorf("still held after Done: %v", held)
	}
}
