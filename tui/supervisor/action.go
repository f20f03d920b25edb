package supervisor

import (
	"context"
	"fmt"

	"oms/db/picking"
	"oms/model"
)

// The commands.
const (
	actWave      = "wave"
	actReassign  = "reassign"
	actRelease   = "release"
	actPriority  = "priority"
	actCount     = "count"
	actAdjust    = "adjust"
	actAuthorise = "authorise"
	actRefund    = "refund"
	actHold      = "hold"
)

// action is one command as asked: what it acts on and its idempotency key.
type action struct {
	kind string
	key  string
	sig  string

	warehouse string
	batch     int64
	batchCode string
	holder    string
	picker    string
	order     int64
	number    string
	priority  int
	task      int64
	reason    string
	adjust    int64
	rma       int64
	what      string
	channel   string
	hold      bool
	note      string // why a channel is held, shown to everyone with the hold
}

// signature is the command without its key: the same signature is the same command.
func (a action) signature() string {
	b := a
	b.key, b.sig = "", ""
	return fmt.Sprintf("%+v", b)
}

// question is what the screen asks before the command: "… ? y/n".
func (a action) question() string {
	switch a.kind {
	case actWave:
		return fmt.Sprintf("Release a wave at %s?", a.warehouse)
	case actReassign:
		return fmt.Sprintf("Give %s to %s?", a.batchCode, a.picker)
	case actRelease:
		return fmt.Sprintf("Give %s back to the queue?", a.batchCode)
	case actPriority:
		return fmt.Sprintf("Priority of %s to %d?", a.number, a.priority)
	case actCount:
		return fmt.Sprintf("Approve %s as %s?", a.what, a.reason)
	case actAdjust:
		return fmt.Sprintf("Approve: %s?", a.what)
	case actAuthorise:
		return fmt.Sprintf("Authorise %s?", a.what)
	case actRefund:
		return fmt.Sprintf("Refund %s now?", a.what)
	case actHold:
		if a.hold {
			return fmt.Sprintf("Hold channel %s (no waves): %s?", a.channel, a.note)
		}
		return fmt.Sprintf("Release channel %s?", a.channel)
	}
	return "?"
}

// label is what the field asks for.
func (a action) label() string {
	switch a.kind {
	case actReassign:
		return fmt.Sprintf("Give %s to whom?", a.batchCode)
	case actPriority:
		return fmt.Sprintf("New priority of %s:", a.number)
	case actHold:
		return fmt.Sprintf("Why hold %s? Everyone sees it with the hold:", a.channel)
	}
	return ""
}

// run gives the command under its key and says what became of it.
func (a action) run(ctx context.Context, data Data) (string, error) {
	switch a.kind {
	case actWave:
		bs, err := data.ReleaseWave(ctx, a.key, a.warehouse)
		if err != nil {
			return "", err
		}
		if len(bs) == 0 {
			return fmt.Sprintf("✓ Nothing to release at %s", a.warehouse), nil
		}
		return "✓ " + picking.Released(bs), nil
	case actReassign:
		r, err := data.Reassign(ctx, a.key, a.batch, a.picker)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("✓ %s is %s's now", r.Code, r.Picker), nil
	case actRelease:
		r, err := data.ReleaseBatch(ctx, a.key, a.batch)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("✓ %s is back in the queue", r.Code), nil
	case actPriority:
		p, err := data.SetPriority(ctx, a.key, a.order, a.priority)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("✓ %s priority %d → %d", p.Number, p.Was, p.Priority), nil
	case actCount:
		if err := data.ApproveCount(ctx, a.key, a.task, a.reason); err != nil {
			return "", err
		}
		return fmt.Sprintf("✓ %s approved and posted", a.what), nil
	case actAdjust:
		if err := data.ApproveAdjustment(ctx, a.key, a.adjust); err != nil {
			return "", err
		}
		return "✓ Adjustment approved and posted", nil
	case actAuthorise:
		if err := data.Authorize(ctx, a.key, a.rma); err != nil {
			return "", err
		}
		return fmt.Sprintf("✓ %s authorised", a.what), nil
	case actRefund:
		r, err := data.Refund(ctx, a.key, a.rma)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("✓ %s refunded %s %s", a.what, model.Money{Minor: r.Amount, Currency: model.Currency(r.Currency)}.Format(), r.Currency), nil
	case actHold:
		if a.hold {
			if _, err := data.HoldChannel(ctx, a.key, a.channel, a.note); err != nil {
				return "", err
			}
			return fmt.Sprintf("✓ %s held: its orders go into no wave", a.channel), nil
		}
		if _, err := data.ReleaseChannel(ctx, a.key, a.channel); err != nil {
			return "", err
		}
		return fmt.Sprintf("✓ %s released", a.channel), nil
	}
	return "", fmt.Errorf("unknown command %q", a.kind)
}
