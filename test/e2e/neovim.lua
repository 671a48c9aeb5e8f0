-- Neovim (0.7.x, headless) as a second real LSP client of Vigil's server. Started by neovim.test.mjs as
--   nvim --headless --clean -c 'luafile test/e2e/neovim.lua'
-- with VIGIL_SERVER (dist/server.js), VIGIL_FILE (a Python file) and VIGIL_OUT (where to write the result as
-- JSON) in the environment. It opens the file, waits for the server's diagnostics, asks for the hover at the
-- first VG202 finding, writes what it got and quits. Any error is written as {"error": ...}.
local out = vim.env.VIGIL_OUT

local function write(result)
  vim.fn.writefile({ vim.fn.json_encode(result) }, out)
end

local function code_of(diagnostic)
  if diagnostic.code ~= nil then
    return diagnostic.code
  end
  local lsp = diagnostic.user_data and diagnostic.user_data.lsp
  return lsp and lsp.code or nil
end

local function main()
  local file = vim.env.VIGIL_FILE
  local client_id = vim.lsp.start_client({
    name = 'vigil',
    cmd = { 'node', vim.env.VIGIL_SERVER, '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  })
  assert(client_id, 'vim.lsp.start_client returned nil')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  vim.bo.filetype = 'python' -- --clean turns filetype detection off
  vim.lsp.buf_attach_client(0, client_id)

  local arrived = vim.wait(20000, function()
    return #vim.diagnostic.get(0) > 0
  end, 50)
  local diagnostics = {}
  local target
  for _, diagnostic in ipairs(vim.diagnostic.get(0)) do
    local code = code_of(diagnostic)
    table.insert(diagnostics, {
      code = code,
      line = diagnostic.lnum + 1,
      col = diagnostic.col + 1,
      severity = diagnostic.severity,
      source = diagnostic.source,
      message = diagnostic.message,
    })
    if code == 'VG202' and target == nil then
      target = diagnostic
    end
  end

  local hover
  if target then
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(0) },
      position = { line = target.lnum, character = target.col },
    }
    local responses, err = vim.lsp.buf_request_sync(0, 'textDocument/hover', params, 10000)
    assert(responses, 'hover request failed: ' .. tostring(err))
    for _, response in pairs(responses) do
      if response.err then
        error('hover error: ' .. vim.inspect(response.err))
      end
      local contents = response.result and response.result.contents
      if type(contents) == 'table' then
        hover = contents.value or vim.inspect(contents)
      elseif type(contents) == 'string' then
        hover = contents
      end
    end
  end

  local client = vim.lsp.get_client_by_id(client_id)
  write({
    arrived = arrived,
    server = client and client.server_capabilities and {
      hover = client.server_capabilities.hoverProvider and true or false,
      codeAction = client.server_capabilities.codeActionProvider and true or false,
    } or vim.NIL,
    diagnostics = diagnostics,
    hover = hover or vim.NIL,
  })
  if client then
    client.stop()
    vim.wait(5000, function()
      return client.is_stopped()
    end, 50)
  end
end

local ok, err = pcall(main)
if not ok then
  write({ error = tostring(err) })
end
vim.cmd('qa!')
