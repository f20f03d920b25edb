package shippdf

import (
	"errors"
	"fmt"
	"image/color"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"

	"oms/shipping/label"
)

// bars is a linear barcode as the widths of its elements in modules, a bar first, then
// alternating space and bar, quiet zones left out. The drawer turns each bar into one filled
// rectangle, so what a scanner reads off the page is exactly this.
type bars []int

func (b bars) modules() int {
	n := 0
	for _, w := range b {
		n += w
	}
	return n
}

// Code 128 geometry.
const (
	quietModules = 10 // each side (ISO/IEC 15417 §4.4.2)
	// dot is one dot of a 300 dpi printer. Module widths are whole multiples of it, so at 300,
	// 600 and 1200 dpi every bar and space is a whole number of dots and none is widened or
	// narrowed by rounding, which is what makes a small module unreadable.
	dot = 25.4 / 300
	// minModuleDots is the narrowest module drawn: 3 dots, 0.254 mm, just above the 0.25 mm
	// general-purpose scanners at arm's length read reliably.
	minModuleDots = 3
)

// code128Bars encodes text as Code 128: the encoder picks code set B for letters and switches
// to C for runs of digits (two per symbol), adds the mod-103 check symbol and the stop.
func code128Bars(text string) (bars, error) {
	code, err := code128.Encode(text)
	if err != nil {
		return nil, fmt.Errorf("Code 128 of %q: %w", text, err)
	}
	return runsOf(code), nil
}

// ssccBars encodes an SSCC as GS1-128: Start C, FNC1 (which says "GS1 data follows"), the
// application identifier 00 and the 18 digits, two per symbol.
func ssccBars(sscc string) (bars, error) {
	if err := label.ValidSSCC(sscc); err != nil {
		return nil, err
	}
	return code128Bars(string(code128.FNC1) + "00" + sscc)
}

// runsOf reads a one-dimensional barcode's modules (one pixel each) into element widths.
func runsOf(code barcode.Barcode) bars {
	var out bars
	width := code.Bounds().Dx()
	dark := func(x int) bool { return code.At(x, 0) == color.Black }
	for x := 0; x < width; {
		start := x
		for x < width && dark(x) == dark(start) {
			x++
		}
		out = append(out, x-start)
	}
	return out
}

// ssccHRI is an SSCC's human-readable interpretation: the AI in brackets, then the digits in
// groups for reading aloud (extension digit, seven for a company prefix, nine, check digit),
// as "(00) 0 0614141 123456789 7". Scanners read the bars; the groups are only for people.
func ssccHRI(sscc string) string {
	return "(00) " + sscc[:1] + " " + sscc[1:8] + " " + sscc[8:17] + " " + sscc[17:]
}

var errTooWide = errors.New("too wide")

// moduleFor is the widest module, a whole number of printer dots from 3 up to maxDots, at
// which b with its quiet zones fits in width.
func moduleFor(b bars, width float64, maxDots int) (float64, error) {
	total := float64(b.modules() + 2*quietModules)
	for dots := maxDots; dots >= minModuleDots; dots-- {
		if module := float64(dots) * dot; total*module <= width {
			return module, nil
		}
	}
	return 0, fmt.Errorf("%w: %d modules with quiet zones need %.1f mm at %.3f mm a module, and %.1f mm is free",
		errTooWide, int(total), total*minModuleDots*dot, minModuleDots*dot, width)
}

// drawBars draws b centred in the width w from x, its bars h high from y, each bar one filled
// black rectangle module wide per module. The quiet zones are the centring's margins, which
// moduleFor made at least ten modules each side.
func (s *sheet) drawBars(b bars, x, y, w, h, module float64) {
	s.pdf.SetFillColor(0, 0, 0)
	at := x + (w-float64(b.modules())*module)/2
	for i, width := range b {
		if i%2 == 0 {
			s.pdf.Rect(at, y, float64(width)*module, h, "F")
		}
		at += float64(width) * module
	}
}
