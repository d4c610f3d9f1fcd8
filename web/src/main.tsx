// Entry point: mounts the terminal.
import { createRoot } from 'react-dom/client'

createRoot(document.getElementById('root')!).render(<h1>Fluxion terminal</h1>)
