package shippdf

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"rsc.io/pdf"
)

// code128Widths is the Code 128 symbol table as ISO/IEC 15417 publishes it: for each value
// 0–106, the widths of bar, space, bar, space, bar, space in modules (the stop symbol, 106,
// has a seventh element, its two-module termination bar). Written out here rather than taken
// from the encoder, so that decoding what was drawn checks the encoder too.
var code128Widths = [107]string{
	"212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
	"221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
	"221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
	"212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
	"231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
	"231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
	"314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
	"112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
	"111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
	"214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
	"114131", "311141", "411131", "211412", "211214", "211232", "2331112",
}

// Code 128 symbol values with a meaning of their own.
const (
	valCodeC  = 99
	valCodeB  = 100
	valFNC1   = 102
	valStartB = 104
	valStartC = 105
	valStop   = 106
)

// symbolValues reads element widths (in modules, bar first) into symbol values: six elements
// a symbol, seven for the stop.
func symbolValues(widths []int) ([]int, error) {
	if len(widths) < 7 || (len(widths)-7)%6 != 0 {
		return nil, fmt.Errorf("%d elements are not whole symbols and a stop", len(widths))
	}
	var values []int
	for i := 0; i < len(widths); i += 6 {
		n := 6
		if i+7 == len(widths) {
			n = 7
		}
		var p strings.Builder
		for _, w := range widths[i : i+n] {
			p.WriteByte(byte('0' + w))
		}
		v := slices.Index(code128Widths[:], p.String())
		if v < 0 {
			return nil, fmt.Errorf("symbol %d: widths %s are no Code 128 symbol", len(values)+1, p.String())
		}
		values = append(values, v)
		if n == 7 {
			break
		}
	}
	return values, nil
}

// decodeCode128 reads element widths back into symbol values, checking the start, the mod-103
// check symbol and the stop. It returns the values from the start to the last data symbol.
func decodeCode128(widths []int) ([]int, error) {
	values, err := symbolValues(widths)
	if err != nil {
		return nil, err
	}
	if last := values[len(values)-1]; last != valStop {
		return nil, fmt.Errorf("ends with %d, not the stop", last)
	}
	if values[0] < 103 || values[0] > valStartC {
		return nil, fmt.Errorf("starts with %d, not a start symbol", values[0])
	}
	data, check := values[:len(values)-2], values[len(values)-2]
	sum := data[0]
	for i, v := range data[1:] {
		sum += (i + 1) * v
	}
	if sum%103 != check {
		return nil, fmt.Errorf("check symbol %d, the data's sum says %d", check, sum%103)
	}
	return data, nil
}

// code128Text is what the values mean in code sets B and C (the only ones oms draws), FNC1
// shown as "[FNC1]".
func code128Text(values []int) (string, error) {
	var b strings.Builder
	set := values[0]
	for _, v := range values[1:] {
		switch {
		case v == valFNC1:
			b.WriteString("[FNC1]")
		case set == valStartC && v == valCodeB:
			set = valStartB
		case set == valStartB && v == valCodeC:
			set = valStartC
		case set == valStartC && v < 100:
			fmt.Fprintf(&b, "%02d", v)
		case set == valStartB && v < 95:
			b.WriteByte(byte(' ' + v))
		default:
			return "", fmt.Errorf("value %d in code set %d", v, set)
		}
	}
	return b.String(), nil
}

// drawnBarcode is one barcode as found on a page: its bars' left and right edges in points.
type drawnBarcode struct {
	left, right, bottom, top float64
	widths                   []int   // elements in modules, bar first
	module                   float64 // points
}

// barcodesOn finds the barcodes on page n: runs of at least 20 filled rectangles sharing a
// baseline and height, left to right. Their edges become element widths in modules, the
// module being the narrowest bar (every Code 128 stop has a one-module bar).
func barcodesOn(t testing.TB, r *pdf.Reader, n int) []drawnBarcode {
	t.Helper()
	_, rects := pageContent(t, r, n)
	groups := map[[2]float64][]rect{}
	for _, rc := range rects {
		key := [2]float64{math.Round(rc.y * 10), math.Round(rc.h * 10)}
		groups[key] = append(groups[key], rc)
	}
	var found []drawnBarcode
	for _, g := range groups {
		if len(g) < 20 {
			continue
		}
		slices.SortFunc(g, func(a, b rect) int { return cmpFloat(a.x, b.x) })
		module := math.Inf(1)
		for _, rc := range g {
			module = min(module, rc.w)
		}
		d := drawnBarcode{left: g[0].x, right: g[len(g)-1].x + g[len(g)-1].w, bottom: g[0].y, top: g[0].y + g[0].h, module: module}
		for i, rc := range g {
			if i > 0 {
				prev := g[i-1]
				d.widths = append(d.widths, modulesIn(t, rc.x-(prev.x+prev.w), module))
			}
			d.widths = append(d.widths, modulesIn(t, rc.w, module))
		}
		found = append(found, d)
	}
	slices.SortFunc(found, func(a, b drawnBarcode) int { return -cmpFloat(a.top, b.top) })
	return found
}

// modulesIn is how many modules a width is; a width that is not close to a whole number of
// modules would blur for a scanner too, so it fails the test.
func modulesIn(t testing.TB, width, module float64) int {
	t.Helper()
	n := math.Round(width / module)
	if math.Abs(width/module-n) > 0.1 {
		t.Errorf("an element %.3f pt wide is %.2f modules of %.3f pt, not a whole number", width, width/module, module)
	}
	return int(n)
}

// The table the decoder uses is the one the encoder draws from: every value's pattern, drawn
// through the encoder, reads back as that value. (A typo in either table fails here first.)
func TestCode128TableAgreesWithEncoder(t *testing.T) {
	// "[FNC1]" + two digits is Start C, FNC1, one value: walk all 100 digit pairs, then letters.
	for v := range 100 {
		b, err := code128Bars(fmt.Sprintf("%02d%02d", v, v))
		if err != nil {
			t.Fatal(err)
		}
		values, err := decodeCode128(b)
		if err != nil {
			t.Fatalf("%02d%02d: %v", v, v, err)
		}
		if !slices.Equal(values, []int{valStartC, v, v}) {
			t.Errorf("%02d%02d decodes to %v", v, v, values)
		}
	}
	for c := byte(' '); c < 127; c++ {
		b, err := code128Bars("A" + string(c))
		if err != nil {
			t.Fatal(err)
		}
		values, err := decodeCode128(b)
		if err != nil {
			t.Fatalf("%q: %v", c, err)
		}
		if !slices.Equal(values, []int{valStartB, 'A' - ' ', int(c - ' ')}) {
			t.Errorf("A%c decodes to %v", c, values)
		}
	}
}

// Zebra's published GS1-128 example, SSCC 000123450000000027 (shipping-tax.md §2): Start C,
// FNC1, then "00" "00" "01" "23" "45" "00" "00" "00" "00" "27". The check symbol, worked by
// hand: (105 + 1×102 + 4×1 + 5×23 + 6×45 + 11×27) mod 103 = 893 mod 103 = 69.
func TestSSCCBarsMatchPublishedExample(t *testing.T) {
	b, err := ssccBars("000123450000000027")
	if err != nil {
		t.Fatal(err)
	}
	want := []int{valStartC, valFNC1, 0, 0, 1, 23, 45, 0, 0, 0, 0, 27, 69, valStop}
	got, err := symbolValues(b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("SSCC symbols %v, want %v", got, want)
	}
	if n := b.modules(); n != 11*13+13 {
		t.Errorf("%d modules, want 156 (13 symbols of 11, stop of 13)", n)
	}
}

func TestSSCCRefusesBadCheckDigit(t *testing.T) {
	for _, s := range []string{"000123450000000028", "00012345000000002", "00012345000000002X", ""} {
		if _, err := ssccBars(s); err == nil {
			t.Errorf("SSCC %q encoded", s)
		}
	}
}

func TestModuleForFitsAndStaysReadable(t *testing.T) {
	b, err := code128Bars("1Z999AA10123456784")
	if err != nil {
		t.Fatal(err)
	}
	total := float64(b.modules() + 2*quietModules)
	for _, width := range []float64{95.6, 80, 60} {
		module, err := moduleFor(b, width, 5)
		if err != nil {
			t.Fatalf("%.1f mm: %v", width, err)
		}
		if module < 0.25 || total*module > width {
			t.Errorf("%.1f mm: module %.3f mm, symbol with quiet zones %.1f mm", width, module, total*module)
		}
		if dots := module / dot; math.Abs(dots-math.Round(dots)) > 1e-9 {
			t.Errorf("%.1f mm: module %.4f mm is %.2f printer dots", width, module, dots)
		}
	}
	if _, err := moduleFor(b, 40, 5); !errors.Is(err, errTooWide) {
		t.Errorf("a 40 mm space took %d modules: %v", int(total), err)
	}
}
