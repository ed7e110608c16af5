// A record that the Consumer has validated: the header and every field
// that steers code are private copies; only the opaque payload bytes stay
// in the shared ring so they can go to the output with a single copy.
#pragma once

#include "xebek/ring.h"

#include <cstdint>
#include <span>

namespace xebek0 {

struct Record {
  // Private copy of the header, already validated: type is one of
  // XEBEK_REC_READ..XEBEK_REC_TYPE_MAX (..XEBEK_REC_TYPE_MAX_V1 from a
  // version-1 ring), len == header size + payload.size(). A version-1
  // header is widened into this layout: the fields version 1 lacks are
  // zero, except group (= seq) and euid/fsuid (= uid, as Sebek assumed).
  xebek_rec hdr{};
  // The payload, pointing INTO THE SHARED RING: valid until the next
  // Consumer::poll()/commit(); the guest may change these bytes at any
  // time, so treat them as opaque data (copy, write out), never parse them
  // in place. For XEBEK_REC_SOCKET, _LOSS and _PROCVM use sock / loss /
  // procvm.
  std::span<const uint8_t> payload;
  // Private, validated copies of the structured payloads.
  xebek_sock sock{};  // XEBEK_REC_SOCKET only
  xebek_loss loss{};  // XEBEK_REC_LOSS only (reason < XEBEK_LOSS_NR)
  xebek_procvm procvm{};  // XEBEK_REC_PROCVM only
};

}  // namespace xebek0
