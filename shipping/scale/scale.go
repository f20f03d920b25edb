package scale

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"strings"
	"time"
)

// Timeout is how long a reading may take: a scale that does not settle or answer within it is
// an error, and the packer types the weight.
const Timeout = 3 * time.Second

// gramsPer are the units a scale may answer in, in grams per unit as exact fractions.
var gramsPer = map[string]*big.Rat{
	"g":  big.NewRat(1, 1),
	"kg": big.NewRat(1000, 1),
	"lb": big.NewRat(45359237, 100000), // the international pound, exactly
	"oz": big.NewRat(45359237, 1600000),
}

// ParseReading reads an MT-SICS answer to S (stable weight) or SI (weight now): "S S   1.256 kg"
// is 1,256 g. The scale's refusals become errors that say what to do: "S I" (busy or not
// settling), "S +" (overloaded), "S -" (underloaded, e.g. no pan). A dynamic (unsettled) "S D"
// reading is refused: a label priced on a swinging weight is wrong. Grams are rounded half up.
// Reference: MT-SICS Reference Manual, command S, responses S S / S I / S + / S -.
func ParseReading(line string) (int, error) {
	f := strings.Fields(strings.TrimSpace(line))
	if len(f) < 2 || (f[0] != "S" && f[0] != "SI") {
		return 0, fmt.Errorf("the scale answered %q, which is not a weight", line)
	}
	switch f[1] {
	case "I":
		return 0, errors.New("the scale is busy or the weight did not settle: weigh again")
	case "+":
		return 0, errors.New("the scale is overloaded: use a bigger scale or type the weight")
	case "-":
		return 0, errors.New("the scale reads below zero: check its pan and zero it")
	case "D":
		return 0, errors.New("the weight is still moving: let the parcel settle and weigh again")
	case "S":
	default:
		return 0, fmt.Errorf("the scale answered %q, which is not a stable weight", line)
	}
	if len(f) != 4 {
		return 0, fmt.Errorf("the scale answered %q: want a weight and its unit", line)
	}
	per, ok := gramsPer[strings.ToLower(f[3])]
	if !ok {
		return 0, fmt.Errorf("the scale weighs in %q: set it to g, kg, lb or oz", f[3])
	}
	w, ok := new(big.Rat).SetString(f[2])
	if !ok || w.Sign() < 0 {
		return 0, fmt.Errorf("the scale answered %q: %q is not a weight", line, f[2])
	}
	g := new(big.Rat).Mul(w, per)
	g.Add(g, big.NewRat(1, 2))
	n := new(big.Int).Quo(g.Num(), g.Denom())
	if !n.IsInt64() || n.Int64() > 1_000_000_000 {
		return 0, fmt.Errorf("the scale answered %q: not a parcel's weight", line)
	}
	if n.Int64() == 0 {
		return 0, errors.New("the scale reads 0 g: put the parcel on it")
	}
	return int(n.Int64()), nil
}

// Read asks the scale on rw for its stable weight ("S" and CR LF) and reads its one-line answer.
func Read(rw io.ReadWriter) (int, error) {
	if _, err := io.WriteString(rw, "S\r\n"); err != nil {
		return 0, fmt.Errorf("sending to the scale: %w", err)
	}
	line, err := bufio.NewReader(rw).ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("the scale did not answer: %w", err)
	}
	return ParseReading(line)
}

// Weigh reads a weight from the scale a station names: "file:/dev/ttyUSB0" (a serial line
// already set up with stty) or "tcp:HOST:PORT" (a serial-to-network converter), within Timeout
// or the context's deadline, whichever is sooner.
func Weigh(ctx context.Context, spec string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	kind, target, _ := strings.Cut(spec, ":")
	var conn io.ReadWriteCloser
	var err error
	switch {
	case kind == "tcp" && target != "":
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", target)
	case kind == "file" && strings.HasPrefix(target, "/"):
		conn, err = os.OpenFile(target, os.O_RDWR, 0)
	default:
		return 0, fmt.Errorf("scale %q: write file:/dev/DEVICE or tcp:HOST:PORT", spec)
	}
	if err != nil {
		return 0, fmt.Errorf("scale %s: %w", spec, err)
	}
	defer conn.Close()
	if d, ok := conn.(interface{ SetDeadline(time.Time) error }); ok {
		deadline, _ := ctx.Deadline()
		_ = d.SetDeadline(deadline)
	}
	type result struct {
		g   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		g, err := Read(conn)
		done <- result{g, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && (ctx.Err() != nil || errors.Is(r.err, os.ErrDeadlineExceeded)) {
			return 0, late(spec)
		}
		return r.g, r.err
	case <-ctx.Done():
		conn.Close() // unblocks the read
		return 0, late(spec)
	}
}

func late(spec string) error {
	return fmt.Errorf("scale %s did not answer in time (%s at most): type the weight", spec, Timeout)
}
