package pgcluster

import (
	"context"
	"fmt"
	"syscall"
	"time"
)

// Restart stops the server fast (SIGINT: open sessions are disconnected, as when a server is
// restarted under its clients) and starts it again on the same port and data, then waits until
// it accepts connections: the server restart of `oms simulate --faults`, with the options it
// was started with.
func (c *Cluster) Restart(ctx context.Context) error {
	if c.cmd == nil || c.cmd.Process == nil {
		return fmt.Errorf("the private server is not running")
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.exited:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
	bin, err := FindBinDir()
	if err != nil {
		return err
	}
	cred, err := serverCredential()
	if err != nil {
		return err
	}
	// The port was ours a moment ago; the kernel may still hold it briefly, so try a few times.
	for attempt := 0; ; attempt++ {
		if err := c.launch(bin, cred); err != nil {
			return fmt.Errorf("restarting: %w", err)
		}
		err = c.waitReady(ctx)
		if err == nil || attempt >= 9 {
			return err
		}
		select {
		case <-c.exited: // it could not start (the port): try again
		default:
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
