package shippdf

import "fmt"

// The office documents (packing slip, customs forms, manifest) share a page frame: a footer
// naming the sender and the page, tables that continue under a "(continued)" line, and the
// blocks below.

// newPage starts a page; after the first it says whose continuation it is.
func (s *sheet) newPage(title string) {
	s.pdf.AddPage()
	s.y = s.margin
	if s.pdf.PageNo() > 1 {
		s.grey(90)
		s.font("", 9)
		s.cell(s.margin, s.y, s.contentW(), 4.2, s.text(title+" (continued)"), "L")
		s.grey(0)
		s.y += 4.2 + 3
	}
}

// footer names the sender and the page on every page of an office document.
func (s *sheet) footer(title, sender string) {
	y := s.pageH - 14
	s.rule(y, 0.15, ruleGrey)
	s.grey(90)
	s.font("", 7.5)
	half := s.contentW() / 2
	s.cell(s.margin, y+1, half, 4.2, s.text(sender), "L")
	s.cell(s.margin+half, y+1, half, 4.2, s.text(fmt.Sprintf("%s · page %d of {nb}", title, s.pdf.PageNo())), "R")
	s.grey(0)
}

// bottom is the lowest y content may reach on an office page, above the footer.
func (s *sheet) bottom() float64 { return s.pageH - 18 }

// ensure starts a new page unless h millimetres still fit on this one, and reports whether it did.
func (s *sheet) ensure(h float64, title string) bool {
	if s.y+h <= s.bottom() {
		return false
	}
	s.newPage(title)
	return true
}

// block draws a captioned address at x, w wide, from y; it returns the y below it.
func (s *sheet) block(x, y, w float64, caption string, lines []string, boldFirst bool) float64 {
	s.caption(x, y, w, caption)
	y += 4
	for i, line := range lines {
		style, size := "", 9.5
		if i == 0 && boldFirst {
			style, size = "B", 10.5
		}
		s.font(style, size)
		for _, part := range s.wrap(s.text(line), w) {
			s.cell(x, y, w, 4.6, part, "L")
			y += 4.6
		}
	}
	return y
}

// facts draws label–value pairs in a column w wide, labels grey on the left (labelShare of
// the width), values bold on the right.
func (s *sheet) facts(x, y, w, labelShare float64, pairs [][2]string) float64 {
	for _, f := range pairs {
		s.font("", 9)
		s.grey(90)
		s.cell(x, y, w*labelShare, 4.8, s.text(f[0]), "L")
		s.grey(0)
		s.font("B", 9)
		s.cell(x+w*labelShare, y, w*(1-labelShare), 4.8, s.text(f[1]), "R")
		y += 4.8
	}
	return y
}

// factRow draws up to five caption-over-value pairs side by side at s.y and returns the y
// below them.
func (s *sheet) factRow(pairs [][2]string) float64 {
	w := s.contentW() / float64(max(len(pairs), 4))
	for i, f := range pairs {
		x := s.margin + float64(i)*w
		s.caption(x, s.y, w, f[0])
		s.font("B", 9.5)
		s.cell(x, s.y+3.2, w, 5, s.text(f[1]), "L")
	}
	return s.y + 8.5
}
