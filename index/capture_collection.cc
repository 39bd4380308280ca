// capture_collection.cc — see capture_collection.h.
#include "index/capture_collection.h"

#include "core/sql_error.h"
#include "index/build_process.h"
#include "index/index_location.h"

namespace xtractr {

CaptureCollection open_collection(const std::string &argument, bool rebuild) {
  CaptureSet set = resolve_capture_argument(argument);
  CaptureCollection collection;
  int64_t id_base = 0, flow_base = 0;
  std::string skipped;
  for (const std::string &file : set.files) {
    std::shared_ptr<CaptureIndex> index;
    try {
      index = CaptureIndex::open(file, rebuild);
    } catch (const Interrupted &) {
      throw;
    } catch (const IndexBuildFailed &) {
      throw;  // a capture we could not index now: no answer without it
    } catch (const UserError &e) {
      if (!set.several) throw;
      collection.skipped.push_back(e.what());  // a README beside the captures, say
      continue;
    }
    collection.members.push_back(CollectionMember{index, id_base, flow_base});
    id_base += index->summary().frames;
    flow_base += index->summary().flows;
  }
  if (collection.members.empty()) throw UserError("no readable capture files in '" + argument + "'");
  return collection;
}

}  // namespace xtractr
