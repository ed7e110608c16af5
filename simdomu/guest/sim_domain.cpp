// SimDomain: a simulated DomU running the kernel's C producer on POSIX
// shared memory, announced in the SimTransport registry.
#include "simdomu/sim_domain.hpp"

#include "xebek0/sim_registry.hpp"
#include "xebek0/transport.hpp"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace simdomu {

using xebek0::TransportError;
namespace sim = xebek0::sim;
namespace {

// The notify callback handed to the C producer: one eventfd write.
extern "C" void sim_notify(void* ctx) {
  int fd = *static_cast<int*>(ctx);
  uint64_t one = 1;
  (void)!::write(fd, &one, sizeof one);
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

SimDomain::SimDomain(const SimDomainConfig& cfg) : cfg_(cfg) {
  if (!sim::valid_name(cfg_.name))
    throw TransportError("invalid simulated domain name '" + cfg_.name + "'");
  if (cfg_.order > XEBEK_RING_ORDER_MAX)
    throw TransportError("ring order " + std::to_string(cfg_.order) + " out of range 0-" +
                         std::to_string(XEBEK_RING_ORDER_MAX));
  std::error_code ec;
  std::filesystem::create_directories(cfg_.registry, ec);

  shm_name_ = "/xebek-sim-" + cfg_.name + "-" + std::to_string(::getpid());
  mem_len_ = XEBEK_PAGE_SIZE + size_t{XEBEK_RING_SIZE(cfg_.order)};
  int shm = ::shm_open(shm_name_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (shm < 0) throw TransportError("shm_open " + shm_name_ + ": " + errno_text());
  if (::ftruncate(shm, static_cast<off_t>(mem_len_)) != 0) {
    std::string why = errno_text();
    ::close(shm);
    ::shm_unlink(shm_name_.c_str());
    throw TransportError("ftruncate " + shm_name_ + ": " + why);
  }
  mem_ = ::mmap(nullptr, mem_len_, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
  ::close(shm);
  if (mem_ == MAP_FAILED) {
    mem_ = nullptr;
    ::shm_unlink(shm_name_.c_str());
    throw TransportError("mmap " + shm_name_ + ": " + errno_text());
  }
  evt_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ctl_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (evt_fd_ < 0 || ctl_fd_ < 0) {
    std::string why = errno_text();
    release();
    throw TransportError("eventfd: " + why);
  }
  auto* base = static_cast<uint8_t*>(mem_);
  xebek_producer_init(&prod_, base, base + XEBEK_PAGE_SIZE, cfg_.order, XEBEK_RING_MAGIC, sim_notify,
                      &evt_fd_);
  uint64_t instance = 0;
  if (::getrandom(&instance, sizeof instance, 0) != static_cast<ssize_t>(sizeof instance))
    instance = static_cast<uint64_t>(::getpid()) << 32 ^ static_cast<uint64_t>(::time(nullptr));
  xebek_producer_set_instance(&prod_, instance);
  control_ = XEBEK_READ(prod_.intf->control);
  try {
    announce();
  } catch (...) {
    release();
    throw;
  }
}

SimDomain::~SimDomain() { release(); }

void SimDomain::release() {
  if (!shm_name_.empty()) {
    std::error_code ec;
    std::filesystem::remove(sim::entry_path(cfg_.registry, cfg_.name), ec);
    ::shm_unlink(shm_name_.c_str());
    shm_name_.clear();
  }
  if (mem_) ::munmap(mem_, mem_len_);
  mem_ = nullptr;
  if (evt_fd_ >= 0) ::close(evt_fd_);
  if (ctl_fd_ >= 0) ::close(ctl_fd_);
  evt_fd_ = ctl_fd_ = -1;
}

void SimDomain::announce() {
  sim::Entry e;
  e.id = cfg_.id;
  e.pid = ::getpid();
  e.shm = shm_name_;
  e.order = cfg_.order;
  e.version = XEBEK_RING_VERSION;
  e.evtchn = evt_fd_;
  e.ctlchn = ctl_fd_;
  e.ip = cfg_.ip;
  sim::write_file_atomically(sim::entry_path(cfg_.registry, cfg_.name), sim::format_entry(e));
}

bool SimDomain::produce(const xebek_rec& tmpl, std::span<const uint8_t> payload) {
  if (payload.size() > UINT32_MAX) {
    xebek_producer_drop(&prod_, XEBEK_LOSS_TOO_BIG);
    return false;
  }
  return xebek_produce(&prod_, &tmpl, payload.data(), static_cast<uint32_t>(payload.size())) == 0;
}

bool SimDomain::produce_if_wanted(const xebek_rec& tmpl, std::span<const uint8_t> payload) {
  uint32_t ctl = XEBEK_READ(prod_.intf->control);
  if (!xebek_control_wants(ctl, tmpl.type, static_cast<uint32_t>(payload.size()))) return false;
  return produce(tmpl, payload);
}

uint32_t SimDomain::apply_control() {
  uint64_t v;
  (void)!::read(ctl_fd_, &v, sizeof v);
  control_ = xebek_producer_apply_control(&prod_);
  return control_;
}

}  // namespace simdomu
