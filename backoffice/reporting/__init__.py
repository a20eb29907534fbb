"""Reports the office writes from its data: the annual report (情况报告 section 一), the
notice drafts (情况专报) and the dashboard's figures. Computation is pure; loading apart."""
