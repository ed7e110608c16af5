#include "xebekd/piece_assembler.hpp"

#include <algorithm>

namespace xebekd {

void PieceAssembler::add(const Event& e, bool piece, bool last, std::uint64_t offset,
                         std::vector<Event>& out) {
  if (piece) {
    add_piece(e, last, offset, out);
    return;
  }
  end_thread_groups(e.pid, ~0ull, out);
  out.push_back(e);
}

void PieceAssembler::add_piece(const Event& e, bool last, std::uint64_t offset, std::vector<Event>& out) {
  end_thread_groups(e.pid, e.detail.group, out);
  Group& g = open_group(e, offset, out);
  append(g, e, offset);
  if (last) {
    const auto it = std::find_if(open_.begin(), open_.end(), [&](const Group& o) { return &o == &g; });
    finish(static_cast<std::size_t>(it - open_.begin()), true, out);
  }
}

// A thread's other groups end when it moves on: it cannot be in two
// syscalls at once, so their missing pieces will never come.
void PieceAssembler::end_thread_groups(std::uint32_t pid, std::uint64_t group, std::vector<Event>& out) {
  for (std::size_t i = 0; i < open_.size();) {
    if (open_[i].last.pid == pid && open_[i].group != group) finish(i, false, out);
    else ++i;
  }
}

PieceAssembler::Group& PieceAssembler::open_group(const Event& e, std::uint64_t offset,
                                                  std::vector<Event>& out) {
  for (Group& g : open_)
    if (g.group == e.detail.group) return g;
  if (open_.size() >= limits_.max_groups) finish(0, false, out);
  Group g;
  g.group = e.detail.group;
  // The pieces before this one were lost (a restart, a drop): their bytes
  // are missing, and so is their count in the not_captured of the event.
  g.end = offset;
  g.not_captured = offset;
  g.truncated = offset != 0;
  open_.push_back(std::move(g));
  return open_.back();
}

void PieceAssembler::append(Group& g, const Event& e, std::uint64_t offset) {
  g.last = e;
  const std::uint64_t n = e.data.size();
  if (offset < g.end) {
    ++overlaps_;  // already held: keep the first copy
    return;
  }
  if (offset > g.end) {  // a gap: pieces in between never arrived
    g.not_captured += offset - g.end;
    g.truncated = true;
  }
  g.end = offset + n;
  const std::size_t room = limits_.max_bytes - std::min(held_, limits_.max_bytes);
  const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, room));
  g.bytes.insert(g.bytes.end(), e.data.begin(), e.data.begin() + static_cast<std::ptrdiff_t>(take));
  held_ += take;
  if (take < n) {
    g.not_captured += n - take;
    g.truncated = true;
  }
}

void PieceAssembler::finish(std::size_t i, bool complete, std::vector<Event>& out) {
  Group g = std::move(open_[i]);
  open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(i));
  Event e = g.last;
  e.detail.group = g.group;
  // The guest's own count (its cap) comes with the last piece.
  e.detail.not_captured = g.not_captured + ((e.flags & kFlagTruncated) ? e.detail.not_captured : 0);
  if (g.truncated || !complete) e.flags |= kFlagTruncated;
  if (!(e.flags & kFlagTruncated)) e.detail.not_captured = 0;
  done_.push_back(std::move(g.bytes));
  e.data = done_.back();
  out.push_back(e);
}

void PieceAssembler::flush(std::vector<Event>& out) {
  while (!open_.empty()) finish(0, false, out);
}

void PieceAssembler::release() {
  for (const auto& b : done_) held_ -= b.size();
  done_.clear();
}

}  // namespace xebekd
