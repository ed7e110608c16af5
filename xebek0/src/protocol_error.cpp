// Names and severity of the consumer's protocol errors.
#include "xebek0/consumer.hpp"

namespace xebek0 {

const char* to_string(ProtocolError e) {
  switch (e) {
    case ProtocolError::BadIdentity: return "bad_identity";
    case ProtocolError::OrderChanged: return "order_changed";
    case ProtocolError::ProdAhead: return "prod_ahead";
    case ProtocolError::ProdBackwards: return "prod_backwards";
    case ProtocolError::ProdUnaligned: return "prod_unaligned";
    case ProtocolError::ConsMoved: return "cons_moved";
    case ProtocolError::ZeroLength: return "zero_length";
    case ProtocolError::ShortLength: return "short_length";
    case ProtocolError::HugeLength: return "huge_length";
    case ProtocolError::PastEnd: return "past_end";
    case ProtocolError::PastProd: return "past_prod";
    case ProtocolError::BadPad: return "bad_pad";
    case ProtocolError::UnknownType: return "unknown_type";
    case ProtocolError::BadPayload: return "bad_payload";
    case ProtocolError::BadLossReason: return "bad_loss_reason";
    case ProtocolError::SeqGap: return "seq_gap";
    case ProtocolError::NotifyFlood: return "notify_flood";
    case ProtocolError::SeqBackwards: return "seq_backwards";
    case ProtocolError::LossHuge: return "loss_huge";
    case ProtocolError::BadPiece: return "bad_piece";
    case ProtocolError::Count_: break;
  }
  return "unknown";
}

bool is_fatal(ProtocolError e) {
  switch (e) {
    // Framing is intact: the record is skipped (or kept) and the next one
    // can still be found, so the domain keeps being served.
    case ProtocolError::UnknownType:
    case ProtocolError::BadPayload:
    case ProtocolError::BadLossReason:
    case ProtocolError::SeqGap:
    case ProtocolError::NotifyFlood:
    case ProtocolError::SeqBackwards:
    case ProtocolError::LossHuge:
    case ProtocolError::BadPiece:
      return false;
    default:
      return true;
  }
}

}  // namespace xebek0
