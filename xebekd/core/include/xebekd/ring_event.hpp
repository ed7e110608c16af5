// A validated ring record (xebek0::Record) seen as a native Event. The
// header fields are the consumer's private copies; the payload span still
// points into the ring so that it is copied once, straight into the logs.
#pragma once

#include "xebek0/record.hpp"

#include "xebekd/event.hpp"

namespace xebekd {

Event event_from_record(const xebek0::Record& r);

}  // namespace xebekd
