package scale

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// Answers as MT-SICS defines them for command S (MT-SICS Reference Manual: "S S WeightValue
// Unit", "S I", "S +", "S -"), in the units shipping scales are set to.
func TestParseReading(t *testing.T) {
	for _, tt := range []struct {
		line string
		g    int
		says string
	}{
		{"S S      1.256 kg\r\n", 1256, ""},
		{"S S    100.00 g", 100, ""},
		{"S S      0.0005 kg", 1, ""}, // half a gram rounds up
		{"S S      2.5 lb", 1134, ""}, // 2.5 × 453.59237 = 1133.98
		{"S S     16 oz", 454, ""},
		{"SI S   12.000 kg", 12000, ""},
		{"S I", 0, "busy or the weight did not settle"},
		{"S +", 0, "overloaded"},
		{"S -", 0, "below zero"},
		{"S D      1.2 kg", 0, "still moving"},
		{"S S      0.000 kg", 0, "put the parcel on it"},
		{"S S      1.2 st", 0, `weighs in "st"`},
		{"ES", 0, "not a weight"},
		{"S S abc kg", 0, `"abc" is not a weight`},
	} {
		g, err := ParseReading(tt.line)
		if tt.says == "" && (err != nil || g != tt.g) {
			t.Errorf("%q: %d, %v; want %d g", tt.line, g, err, tt.g)
		}
		if tt.says != "" && (err == nil || !strings.Contains(err.Error(), tt.says)) {
			t.Errorf("%q: %d, %v; want an error saying %q", tt.line, g, err, tt.says)
		}
	}
}

// A scale behind a serial-to-network converter is asked S and answers; one that never answers
// is an error within the timeout, not a hang.
func TestWeighOverTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		if cmd, _ := bufio.NewReader(c).ReadString('\n'); cmd == "S\r\n" {
			_, _ = c.Write([]byte("S S      0.742 kg\r\n"))
		}
	}()
	g, err := Weigh(context.Background(), "tcp:"+ln.Addr().String())
	if err != nil || g != 742 {
		t.Fatalf("weighed %d g, %v; want 742", g, err)
	}

	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		c, err := silent.Accept()
		if err == nil {
			defer c.Close()
			_, _ = io.Copy(io.Discard, c) // reads the command and never answers, until oms hangs up
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := Weigh(ctx, "tcp:"+silent.Addr().String()); err == nil || !strings.Contains(err.Error(), "did not answer in time") {
		t.Fatalf("a scale that never answers: %v", err)
	}
	if _, err := Weigh(context.Background(), "usb:scale"); err == nil || !strings.Contains(err.Error(), "file:/dev/DEVICE or tcp:HOST:PORT") {
		t.Fatalf("a bad spec: %v", err)
	}
}
