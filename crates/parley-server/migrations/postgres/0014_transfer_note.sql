-- `transfer_note`: what the agent who transferred the conversation wrote for whoever
-- receives it (the workbench shows it to agents only; visitors never read it). NULL
-- when the last transfer carried no note.
ALTER TABLE conversations ADD COLUMN transfer_note TEXT;
