package shippdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// pictureKey names the PNG text chunk that holds the SHA-256 of the PDF the picture was drawn
// from.
const pictureKey = "oms-source-pdf-sha256"

// The README can show the example label (exampleLabel) as docs/label.png. Regenerate it with
//
//	OMS_UPDATE_README=1 go test -run TestREADMEPicture ./shipping/shippdf/
//
// which needs pdftoppm (poppler-utils). The picture carries the SHA-256 of the PDF it was
// drawn from in a PNG text chunk, so without the variable the test proves it is current (the
// label renders to the same bytes it was drawn from) and that it is a small PNG, with no tool
// installed.
func TestREADMEPicture(t *testing.T) {
	png := filepath.Join("..", "..", "docs", "label.png")
	source := renderLabel(t, exampleLabel())
	sum := sha256.Sum256(source)
	if os.Getenv("OMS_UPDATE_README") != "" {
		tool, err := exec.LookPath("pdftoppm")
		if err != nil {
			t.Fatalf("regenerating docs/label.png needs pdftoppm: apt-get install poppler-utils (%v)", err)
		}
		dir := t.TempDir()
		src := filepath.Join(dir, "label.pdf")
		if err := os.WriteFile(src, source, 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "label")
		if b, err := exec.Command(tool, "-png", "-r", "100", "-singlefile", src, out).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, b)
		}
		b, err := os.ReadFile(out + ".png")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(png, withText(t, b, pictureKey, hex.EncodeToString(sum[:])), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(png)
	if err != nil {
		t.Fatalf("%v; regenerate it with OMS_UPDATE_README=1 go test -run TestREADMEPicture ./shipping/shippdf/", err)
	}
	if !bytes.HasPrefix(b, []byte(pngSignature)) {
		t.Fatalf("%s is not a PNG", png)
	}
	if len(b) > 150<<10 {
		t.Errorf("%s is %d KB; keep the README's picture under 150 KB", png, len(b)>>10)
	}
	if got := pngText(b, pictureKey); got != hex.EncodeToString(sum[:]) {
		t.Errorf("%s was drawn from another label (source %q); regenerate it with "+
			"OMS_UPDATE_README=1 go test -run TestREADMEPicture ./shipping/shippdf/", png, got)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte("](docs/label.png)")) {
		t.Error("README.md does not show docs/label.png")
	}
}

const pngSignature = "\x89PNG\r\n\x1a\n"

// withText is png with a tEXt chunk key=value inserted after its header chunk (IHDR, which
// must come first).
func withText(t *testing.T, png []byte, key, value string) []byte {
	t.Helper()
	const ihdrEnd = len(pngSignature) + 4 + 4 + 13 + 4 // length, type, data, CRC
	if !bytes.HasPrefix(png, []byte(pngSignature)) || len(png) < ihdrEnd || string(png[12:16]) != "IHDR" {
		t.Fatal("pdftoppm wrote no PNG")
	}
	data := append([]byte("tEXt"+key+"\x00"), value...)
	var chunk bytes.Buffer
	_ = binary.Write(&chunk, binary.BigEndian, uint32(len(data)-4))
	chunk.Write(data)
	_ = binary.Write(&chunk, binary.BigEndian, crc32.ChecksumIEEE(data))
	return slices.Concat(png[:ihdrEnd], chunk.Bytes(), png[ihdrEnd:])
}

// pngText is the value of png's tEXt chunk named key, "" when it has none.
func pngText(png []byte, key string) string {
	for at := len(pngSignature); at+12 <= len(png); {
		n := int(binary.BigEndian.Uint32(png[at:]))
		if at+12+n > len(png) {
			break
		}
		kind, data := string(png[at+4:at+8]), png[at+8:at+8+n]
		if k, v, ok := bytes.Cut(data, []byte{0}); kind == "tEXt" && ok && string(k) == key {
			return string(v)
		}
		at += 12 + n
	}
	return ""
}
