package record

import "time"

// The Player answers the replay keys (tui.Replayer): each moves the clock and brings the
// board there at once.

// Toggle pauses or plays.
func (p *Player) Toggle() { p.Clock.Toggle(); p.Sync() }

// Seek moves the replay by d.
func (p *Player) Seek(d time.Duration) { p.Clock.Seek(d); p.Sync() }

// SeekStart moves to the recording's start.
func (p *Player) SeekStart() { p.Clock.SeekTo(p.First); p.Sync() }

// SeekEnd moves to the recording's end.
func (p *Player) SeekEnd() { p.Clock.SeekTo(p.Last); p.Sync() }

// Faster raises the speed one step (up to ×60).
func (p *Player) Faster() { p.Clock.Faster() }

// Slower lowers the speed one step (down to ×1).
func (p *Player) Slower() { p.Clock.Slower() }

// State is the replayed time, the recording's span, the speed and whether paused.
func (p *Player) State() (now, start, end time.Time, speed int, paused bool) {
	_, start, end, speed, paused = p.Clock.State()
	return p.Now(), start, end, speed, paused
}
