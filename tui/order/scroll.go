package order

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// key scrolls the page like a viewport; the section key jumps between Lines and History.
// Moving down never pulls the view up, even when a jump has scrolled past the end.
func (s *Screen) key(msg tea.KeyMsg) {
	k := &s.c.Keys.Order
	page := max(s.height-1, 1) // keep one line of the previous page for orientation
	down := max(s.maxOffset(), s.offset)
	switch {
	case key.Matches(msg, k.ScrollUp):
		s.scrollTo(s.offset-1, s.ceiling())
	case key.Matches(msg, k.ScrollDown):
		s.scrollTo(s.offset+1, down)
	case key.Matches(msg, k.PageUp):
		s.scrollTo(s.offset-page, s.ceiling())
	case key.Matches(msg, k.PageDown):
		s.scrollTo(s.offset+page, down)
	case key.Matches(msg, k.Top):
		s.scrollTo(0, 0)
	case key.Matches(msg, k.Bottom):
		s.scrollTo(s.maxOffset(), s.maxOffset())
	case key.Matches(msg, k.ToggleSection):
		s.scrollTo(s.nextSection(), s.ceiling())
	}
}

// maxOffset is where the last line is on the last row.
func (s *Screen) maxOffset() int { return max(len(s.page.lines)-s.height, 0) }

// ceiling is how far a jump may scroll: past the end when that is what it takes to put the
// History title on the top row, so the section key always shows a section from its start,
// with blank rows below a short history.
func (s *Screen) ceiling() int { return max(s.maxOffset(), s.page.historyAt) }

func (s *Screen) scrollTo(offset, limit int) { s.offset = min(max(offset, 0), limit) }

// nextSection is where the section key goes. It decides by what is on screen rather than by a
// remembered focus, so it does the expected thing after the user has scrolled by hand: from
// the History back to the Lines; from anywhere the Lines title is on screen or already
// scrolled past, on to the History; from above a Lines title not yet on screen, to the Lines.
func (s *Screen) nextSection() int {
	lines, history := s.page.linesAt, s.page.historyAt
	switch {
	case lines < 0 || history < 0:
		return s.offset // nothing loaded yet
	case s.offset >= history:
		return lines
	case lines < s.offset+s.height:
		return history
	}
	return lines
}
