// filter_check.cc — see filter_check.h.
#include "search/filter_check.h"

#include <mutex>
#include <optional>

#include "core/interruption.h"
#include "core/sql_error.h"
#include "dissect/wireshark_runtime.h"
#include "search/search_index.h"
#include "search/stored_fields.h"
#include "search/tree_guard.h"
#include "search/tree_rebuild.h"

extern "C" {
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <wiretap/wtap.h>
}

namespace xtractr {

namespace {

// epan needs a host for frame timestamps; the rebuilt trees never ask.
const packet_provider_funcs kNoProvider = {nullptr, nullptr, nullptr, nullptr};

// One epan session and dissection, reused for every candidate.
class Dissection {
 public:
  Dissection() : epan_(epan_new(nullptr, &kNoProvider)), edt_(epan_dissect_new(epan_, TRUE, FALSE)) {}
  ~Dissection() {
    reset();
    epan_dissect_free(edt_);
    epan_free(epan_);
  }
  Dissection(const Dissection &) = delete;
  Dissection &operator=(const Dissection &) = delete;

  epan_dissect_t *edt() { return edt_; }
  void reset() {
    edt_->pi.rec = &no_record_;  // epan_dissect_reset() releases pi.rec->block
    epan_dissect_reset(edt_);
  }

 private:
  epan_t *epan_;
  epan_dissect_t *edt_;
  wtap_rec no_record_{};
};

// The frame's bytes as a tvb for the `frame` protocol; the tree refers to it, so the tree is
// emptied before the tvb is freed.
class FrameTvb {
 public:
  FrameTvb(Dissection &d, std::string bytes) : d_(d), bytes_(std::move(bytes)) {
    tvb_ =
        tvb_new_real_data(reinterpret_cast<const guint8 *>(bytes_.data()), guint(bytes_.size()), gint(bytes_.size()));
  }
  ~FrameTvb() {
    d_.reset();
    tvb_free(tvb_);
  }
  FrameTvb(const FrameTvb &) = delete;
  FrameTvb &operator=(const FrameTvb &) = delete;
  tvbuff_t *tvb() const { return tvb_; }

 private:
  Dissection &d_;
  std::string bytes_;
  tvbuff_t *tvb_;
};

[[noreturn]] void refused(const std::string &text, uint32_t frame, const CollectionMember &member, const char *what) {
  throw UserError("filter: cannot evaluate \"" + text + "\" on frame " + std::to_string(frame) + " of '" +
                  member.index->capture() + "' (libwireshark " + what + ")");
}

}  // namespace

IdSet check_exactly(dfilter_t *df, const std::string &text, const FilterAnalysis &analysis, SearchIndex &index,
                    const IdSet &frames) {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  ensure_wireshark();
  const CollectionMember &member = index.member();
  const std::vector<header_field_info *> rebuild_as = rebuild_fields(member.index->dictionary(), analysis.fields, text);
  std::vector<bool> wanted(rebuild_as.size());
  for (size_t i = 0; i < rebuild_as.size(); ++i) wanted[i] = rebuild_as[i] != nullptr;
  Dissection dissection;
  epan_dissect_t *edt = dissection.edt();
  StoredFields stored(member);
  IdSet out;
  size_t checked = 0;
  for (uint32_t frame : frames) {
    if (++checked % 4096 == 0)
      check_interrupted("filter on '" + member.index->capture() + "' was interrupted: \"" + text + "\"");
    const std::vector<StoredValue> &values = stored.frame(frame, &wanted);
    dissection.reset();
    epan_dissect_prime_with_dfilter(edt, df);
    for (header_field_info *hf : rebuild_as)
      if (hf) epan_dissect_prime_with_hfid(edt, hf->id);
    std::optional<FrameTvb> frame_tvb;
    if (analysis.frame_bytes) frame_tvb.emplace(dissection, member.index->frame_bytes(frame));
    if (!rebuild_tree(edt->tree, values, rebuild_as, frame_tvb ? frame_tvb->tvb() : nullptr))
      refused(text, frame, member, "refused a stored value");
    const int matched = xtractr_apply_filter(df, edt);  // dfilter_apply_edt under a TRY
    if (matched < 0) refused(text, frame, member, "failed applying the filter");
    if (matched) out.push_back(frame);
  }
  return out;
}

}  // namespace xtractr
