package order

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// key scrolls the page like a viewport; the section key jumps between Lines and History.
func (s *Screen) key(msg tea.KeyMsg) {
	k := &s.c.Keys.Order
	page := max(s.height-1, 1) // keep one line of the previous page for orientation
	switch {
	case key.Matches(msg, k.ScrollUp):
		s.scrollTo(s.offset - 1)
	case key.Matches(msg, k.ScrollDown):
		s.scrollTo(s.offset + 1)
	case key.Matches(msg, k.PageUp):
		s.scrollTo(s.offset - page)
	case key.Matches(msg, k.PageDown):
		s.scrollTo(s.offset + page)
	case key.Matches(msg, k.Top):
		s.scrollTo(0)
	case key.Matches(msg, k.Bottom):
		s.scrollTo(s.maxOffset())
	case key.Matches(msg, k.ToggleSection):
		s.scrollTo(s.nextSection())
	}
}

func (s *Screen) maxOffset() int { return max(len(s.page.lines)-s.height, 0) }

func (s *Screen) scrollTo(offset int) { s.offset = min(max(offset, 0), s.maxOffset()) }

// nextSection is where the section key goes. It decides by what is on screen rather than by a
// remembered focus, so it does the expected thing after the user has scrolled by hand: from
// the History (or the bottom) back to the Lines; from anywhere the Lines title is on screen or
// already scrolled past, on to the History; from the header above an unseen Lines title — a
// handheld showing only the header — to the Lines first.
func (s *Screen) nextSection() int {
	lines, history := s.page.linesAt, s.page.historyAt
	switch {
	case history < 0 || lines < 0:
		return s.offset // nothing loaded yet
	case s.offset >= min(history, s.maxOffset()):
		return lines
	case lines < s.offset+s.height:
		return history
	}
	return lines
}
