-- filter_frames.lua — the frames each of many display filters matches, in one tshark pass.
--
-- Usage (what xtractr_test.filter_frames() runs):
--   XTRACTR_FILTERS=filters.txt XTRACTR_FILTER_FRAMES=frames.txt \
--     tshark -n -r CAPTURE -X lua_script:filter_frames.lua -T fields -e frame.number > /dev/null
-- filters.txt holds one display filter per line; frames.txt gets one line per filter, in order:
-- "N ok F1 F2 ..." (the frame numbers it matches) or "N error MESSAGE" (tshark refuses it).
--
-- How it works: one tap listener per filter, each with the filter as its tap filter, which
-- tshark evaluates on the same dissection tree as -Y (filter fields primed, the tree built
-- because of -T fields); an unfiltered listener writes every answer when tshark draws the
-- taps after the last frame (also after a read error: a damaged capture's frames so far).
-- What differs from -Y: nothing is "displayed", so frame.time_delta_displayed is the caller's
-- business (filter_frames() runs such filters with -Y).
local input = os.getenv("XTRACTR_FILTERS")
local output = os.getenv("XTRACTR_FILTER_FRAMES")
local results = {}
local count = 0
for line in io.lines(input) do
  count = count + 1
  local i = count
  local ok, listener = pcall(Listener.new, "frame", line)
  if ok then
    local frames = {}
    results[i] = frames
    function listener.packet(pinfo) frames[#frames + 1] = pinfo.number end
  else
    results[i] = tostring(listener):gsub("\n", " ")
  end
end
local written = false
local function write_all()
  if written then return end
  written = true
  local f = assert(io.open(output, "w"))
  for i = 1, count do
    local r = results[i]
    if type(r) == "table" then
      f:write(i, " ok ", table.concat(r, " "), "\n")
    else
      f:write(i, " error ", r, "\n")
    end
  end
  f:close()
end
-- after the last frame: tshark draws every tap when it is done
local done = Listener.new("frame")
function done.draw() write_all() end
