#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "xebek_tools/json_text.hpp"

namespace {

std::span<const std::uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(JsonText, EscapesQuotesBackslashesAndControls) {
  std::string out;
  xebek_tools::append_json_string(out, std::string("a\"b\\c\n\r\t\x01\x7f", 10));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u007f\"");
}

TEST(JsonText, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(xebek_tools::valid_utf8("a\xff" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(xebek_tools::valid_utf8("\xed\xa0\x80"),  // a surrogate
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(xebek_tools::valid_utf8("x\xe2\x82"), "x\xEF\xBF\xBD");  // cut at the end
  EXPECT_EQ(xebek_tools::valid_utf8("\xc3\xa9\xf0\x9f\x98\x80"), "\xc3\xa9\xf0\x9f\x98\x80");
}

TEST(JsonText, CarryKeepsACharacterCutAcrossRecordsWhole) {
  xebek_tools::Utf8Carry carry;
  std::string first, second;
  carry.append_json(first, bytes("a\xe2\x82"));  // "a" + first two bytes of the euro sign
  carry.append_json(second, bytes("\xac" "b"));
  EXPECT_EQ(first, "\"a\"");
  EXPECT_EQ(second, "\"\xe2\x82\xac" "b\"");
  EXPECT_TRUE(carry.empty());
}

TEST(JsonText, TimesAreUtcWithMicroseconds) {
  EXPECT_EQ(xebek_tools::iso8601(1700000000107400000ull), "2023-11-14T22:13:20.107400Z");
  EXPECT_EQ(xebek_tools::readable_time(1700000000000001999ull), "2023-11-14 22:13:20.000001");
}

}  // namespace
